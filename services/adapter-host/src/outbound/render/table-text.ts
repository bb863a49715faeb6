import { visibleText } from './inline-text.js';
import type { Block, ColumnAlign, Inline } from './model.js';

// No chat platform here renders a markdown table, so a table becomes monospace text: one line per
// row, columns padded to a common width. Width is counted per grapheme, two columns for East Asian
// wide characters and emoji, which is how monospace chat fonts usually draw them.

const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]|[\u{1F300}-\u{1F64F}\u{1F900}-\u{1F9FF}\u{20000}-\u{3FFFD}]|\p{Extended_Pictographic}/u;
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

export function displayWidth(text: string): number {
  // Printable ASCII is one column a character; segmenting it would only cost time on big tables.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let width = 0;
  for (const { segment } of graphemes.segment(text)) width += WIDE.test(segment) ? 2 : 1;
  return width;
}

/** A table cell as one line of plain text; a link keeps its address after the label. */
export function cellText(inlines: Inline[]): string {
  let out = '';
  for (const node of inlines) {
    if (node.kind === 'link') {
      const label = cellText(node.children);
      out += label === node.href ? label : `${label} (${node.href})`;
    } else if (node.kind === 'strong' || node.kind === 'em' || node.kind === 'strike') {
      out += cellText(node.children);
    } else {
      out += visibleText([node]);
    }
  }
  return out.replace(/\s+/g, ' ').trim();
}

// Loops, not Math.max(...rows): a table of some hundred thousand rows would overflow the stack.
export function tableLines(table: Extract<Block, { kind: 'table' }>): string[] {
  const columns = table.rows.reduce((most, row) => Math.max(most, row.length), table.header.length);
  const header = padRow(table.header.map(cellText), columns);
  const rows = table.rows.map((row) => padRow(row.map(cellText), columns));
  const widths = header.map((cell) => Math.max(1, displayWidth(cell)));
  for (const row of rows) row.forEach((cell, c) => (widths[c] = Math.max(widths[c], displayWidth(cell))));
  const line = (cells: string[]): string =>
    cells.map((cell, c) => align(cell, widths[c], table.align[c] ?? null)).join(' | ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  return [line(header), rule, ...rows.map(line)];
}

function padRow(cells: string[], columns: number): string[] {
  return Array.from({ length: columns }, (_, c) => cells[c] ?? '');
}

function align(cell: string, width: number, how: ColumnAlign): string {
  const gap = width - displayWidth(cell);
  if (how === 'right') return ' '.repeat(gap) + cell;
  if (how === 'center') return ' '.repeat(Math.floor(gap / 2)) + cell + ' '.repeat(Math.ceil(gap / 2));
  return cell + ' '.repeat(gap);
}
