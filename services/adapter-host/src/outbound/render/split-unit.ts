import { BREAK_LOOKAHEAD, findBreak } from './find-break.js';
import { sliceInlines, visibleLength, visibleText } from './inline-text.js';
import type { CodeUnit, TextUnit, Unit } from './layout.js';

export interface Split {
  head: Unit;
  /** null when the whole unit fitted after all. */
  tail: Unit | null;
}

/** The rendered size of a unit, in the platform's unit. */
export type Measure = (unit: Unit) => number;

/**
 * Cuts the longest head off `unit` whose rendering fits `budget`, at the best boundary, and
 * returns it with the rest. Both halves are whole units, so each renders balanced (markup closed
 * in the head is reopened in the tail). null when not even a sliver fits, or for a rule.
 */
export function splitUnit(unit: Unit, budget: number, measure: Measure): Split | null {
  if (unit.kind === 'text') return splitText(unit, budget, measure);
  if (unit.kind === 'code') return splitCode(unit, budget, measure);
  return null;
}

function splitText(unit: TextUnit, budget: number, measure: Measure): Split | null {
  const withInlines = (from: number, to: number): TextUnit => ({ ...unit, inlines: sliceInlines(unit.inlines, from, to) });
  // Only the start of a long unit can go into the head: building all of its text for every cut
  // would make a long reply quadratic.
  const visible = visibleText(sliceInlines(unit.inlines, 0, budget + BREAK_LOOKAHEAD));
  const cut = findBreak(visible, budget, (end) => measure(withInlines(0, end)) <= budget, 'prose');
  if (cut === null) return null;
  const head = withInlines(0, cut.headEnd);
  if (cut.tailStart >= visibleLength(unit.inlines)) return { head, tail: null };
  // The tail of a list item is indented under the marker the head already showed.
  return { head, tail: { ...withInlines(cut.tailStart, Infinity), continued: true } };
}

function splitCode(unit: CodeUnit, budget: number, measure: Measure): Split | null {
  const { lines } = unit;
  const withLines = (part: string[]): CodeUnit => ({ ...unit, lines: part });
  // Whole lines first (a table row is one line, so rows stay whole). A head of k lines holds at
  // least their characters plus k-1 newlines, which bounds the search.
  let maxLines = 0;
  for (let used = -1; maxLines < lines.length && used + lines[maxLines].length + 1 <= budget; maxLines += 1) {
    used += lines[maxLines].length + 1;
  }
  let lo = 1;
  let hi = Math.min(maxLines, lines.length);
  let best = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (measure(withLines(lines.slice(0, mid))) <= budget) {
      best = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  // Blank lines at the cut are the break between the two messages: kept, they would show as
  // empty lines at the end of one code block, or fill a message of their own with nothing.
  const isBlank = (line: string): boolean => line.trim() === '';
  const tail = (rest: string[]): CodeUnit | null => {
    const start = rest.findIndex((line) => !isBlank(line));
    return start < 0 ? null : withLines(rest.slice(start));
  };
  if (best >= lines.length) return { head: unit, tail: null };
  if (best > 0) {
    let end = best;
    while (end > 1 && isBlank(lines[end - 1])) end -= 1;
    return { head: withLines(lines.slice(0, end)), tail: tail(lines.slice(best)) };
  }
  // A single line longer than a message: cut inside it, keeping every character.
  const first = lines[0];
  const cut = findBreak(first, budget, (end) => measure(withLines([first.slice(0, end)])) <= budget, 'code');
  if (cut === null) return null;
  const head = first.slice(0, cut.headEnd);
  // Only indentation fits (a table row starting with wide empty cells): that whitespace is the
  // break itself, and a message of it alone would be empty.
  if (head.trim() === '') return splitCode(withLines([first.trimStart(), ...lines.slice(1)]), budget, measure);
  return { head: withLines([head]), tail: tail([first.slice(cut.tailStart), ...lines.slice(1)]) };
}
