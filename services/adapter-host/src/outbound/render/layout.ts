import { visibleText } from './inline-text.js';
import type { Block, Inline } from './model.js';
import { tableLines } from './table-text.js';

// The block tree flattened into the pieces the chunker packs: every chat platform shows a reply
// as lines of text, so a nested list becomes a run of text units that each know their list path,
// and code and tables become runs of lines. Each unit renders on its own, balanced.

/** One enclosing list item: its list's kind and the item's number (1-based for bullets too). */
export interface ListLevel {
  ordered: boolean;
  number: number;
}

export interface TextUnit {
  kind: 'text';
  inlines: Inline[];
  /** 0 for body text, else the heading level 1–6. */
  heading: number;
  /** Enclosing list items, outermost first; empty outside lists. */
  list: ListLevel[];
  /** True when the innermost item's marker was already shown (a later block of the item, or the
   * tail of a split): indent instead of repeating the marker. */
  continued: boolean;
  quote: boolean;
}

export interface CodeUnit {
  kind: 'code';
  lang: string;
  lines: string[];
  /** Rows of a table, aligned as text: split only between lines. */
  isTable: boolean;
}

export interface RuleUnit {
  kind: 'rule';
}

export type Unit = TextUnit | CodeUnit | RuleUnit;

/** A unit and the separator that precedes it when it is not the first unit of a chunk. */
export interface PlacedUnit {
  unit: Unit;
  sep: string;
}

/** How every platform draws a horizontal rule: none of them renders `---` as a line. */
export const RULE_TEXT = '──────────';

const BLANK = '\n\n';
const LINE = '\n';

export function layoutBlocks(blocks: Block[]): PlacedUnit[] {
  const out: PlacedUnit[] = [];
  layoutInto(blocks, { list: [], quote: false, sep: BLANK }, out);
  return out;
}

interface Context {
  list: ListLevel[];
  quote: boolean;
  /** Separator between the blocks at this level. */
  sep: string;
}

function layoutInto(blocks: Block[], ctx: Context, out: PlacedUnit[], firstContinued = false): void {
  blocks.forEach((block, index) => {
    const continued = index > 0 || firstContinued;
    const before = out.length;
    layoutBlock(block, ctx, continued, out);
    if (out.length > before) out[before].sep = index === 0 ? out[before].sep : ctx.sep;
  });
}

function layoutBlock(block: Block, ctx: Context, continued: boolean, out: PlacedUnit[]): void {
  const text = (inlines: Inline[], heading: number): void => {
    const unit: TextUnit = { kind: 'text', inlines, heading, list: ctx.list, continued, quote: ctx.quote };
    if (visibleText(inlines).trim() !== '' || (ctx.list.length > 0 && !continued)) out.push({ unit, sep: ctx.sep });
  };
  switch (block.kind) {
    case 'paragraph':
      return text(block.inlines, 0);
    case 'heading':
      return text(block.inlines, block.level);
    case 'code': {
      const lines = trimBlankLines(block.text.split('\n'));
      if (lines.length > 0) out.push({ unit: { kind: 'code', lang: block.lang, lines, isTable: false }, sep: ctx.sep });
      return;
    }
    case 'table':
      out.push({ unit: { kind: 'code', lang: '', lines: tableLines(block), isTable: true }, sep: ctx.sep });
      return;
    case 'rule':
      out.push({ unit: { kind: 'rule' }, sep: ctx.sep });
      return;
    case 'quote':
      layoutInto(block.children, { ...ctx, quote: true }, out, continued);
      return;
    case 'list':
      return layoutList(block, ctx, out);
  }
}

// Blank lines around code show nothing, and a message cut out of them alone would be empty.
function trimBlankLines(lines: string[]): string[] {
  const isBlank = (line: string): boolean => line.trim() === '';
  let start = 0;
  let end = lines.length;
  while (start < end && isBlank(lines[start])) start += 1;
  while (end > start && isBlank(lines[end - 1])) end -= 1;
  return lines.slice(start, end);
}

function layoutList(block: Extract<Block, { kind: 'list' }>, ctx: Context, out: PlacedUnit[]): void {
  const itemSep = block.tight ? LINE : BLANK;
  block.items.forEach((item, index) => {
    const level: ListLevel = { ordered: block.ordered, number: block.start + index };
    const inner: Context = { list: [...ctx.list, level], quote: ctx.quote, sep: itemSep };
    const before = out.length;
    // An item that starts with something other than text still shows its marker, on a line of its own.
    const first = item[0];
    if (first === undefined || (first.kind !== 'paragraph' && first.kind !== 'heading')) {
      out.push({ unit: { kind: 'text', inlines: [], heading: 0, list: inner.list, continued: false, quote: ctx.quote }, sep: itemSep });
      layoutInto(item, inner, out, true);
      if (out.length > before + 1) out[before + 1].sep = LINE;
    } else {
      layoutInto(item, inner, out);
    }
    if (out.length > before) out[before].sep = index === 0 ? ctx.sep : itemSep;
  });
}
