import { findBreak } from './find-break.js';
import { sliceInlines, visibleText } from './inline-text.js';
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
  const visible = visibleText(unit.inlines);
  const withInlines = (from: number, to: number): TextUnit => ({ ...unit, inlines: sliceInlines(unit.inlines, from, to) });
  const cut = findBreak(visible, budget, (end) => measure(withInlines(0, end)) <= budget, 'prose');
  if (cut === null) return null;
  const head = withInlines(0, cut.headEnd);
  if (cut.tailStart >= visible.length) return { head, tail: null };
  // The tail of a list item is indented under the marker the head already showed.
  return { head, tail: { ...withInlines(cut.tailStart, visible.length), continued: true } };
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
  if (best >= lines.length) return { head: unit, tail: null };
  if (best > 0) return { head: withLines(lines.slice(0, best)), tail: withLines(lines.slice(best)) };
  // A single line longer than a message: cut inside it, keeping every character.
  const first = lines[0];
  const cut = findBreak(first, budget, (end) => measure(withLines([first.slice(0, end)])) <= budget, 'code');
  if (cut === null) return null;
  const rest = [first.slice(cut.tailStart), ...lines.slice(1)];
  return { head: withLines([first.slice(0, cut.headEnd)]), tail: rest[0] === '' && rest.length === 1 ? null : withLines(rest) };
}
