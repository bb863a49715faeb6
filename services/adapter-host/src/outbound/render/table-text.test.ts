import { parseMarkdown } from './parse-markdown.js';
import { displayWidth, tableLines } from './table-text.js';

function lines(markdown: string): string[] {
  const [table] = parseMarkdown(markdown);
  if (table?.kind !== 'table') throw new Error(`not a table: ${markdown}`);
  return tableLines(table);
}

describe('tableLines', () => {
  it('pads columns to a common width and honours the alignment row', () => {
    expect(lines('| left | mid | right |\n|:--|:-:|--:|\n| a | b | c |\n| longer | x | 12345 |')).toEqual([
      'left   | mid | right',
      '-------+-----+------',
      'a      |  b  |     c',
      'longer |  x  | 12345',
    ]);
  });

  it('counts emoji and East Asian characters as two columns', () => {
    expect(displayWidth('a👍🏽中👨‍👩‍👧')).toBe(7);
    expect(lines('| k | v |\n|---|---|\n| 中文 | x |\n| ab | y |')).toEqual(['k    | v', '-----+--', '中文 | x', 'ab   | y']);
  });

  it('writes cell formatting as plain text and a link with its address', () => {
    expect(lines('| a |\n|---|\n| **b** `c` [d](https://e.example) |')).toEqual(['a', '-'.repeat(25), 'b c d (https://e.example)']);
  });

  it('lays out a table of many rows without overflowing the stack', () => {
    expect(lines(`| a |\n|---|\n${'| 1 |\n'.repeat(150_000)}`)).toHaveLength(150_002);
  });
});
