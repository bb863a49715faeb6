import { RULE_TEXT, type TextUnit, type Unit } from '../layout.js';
import { listPrefix, type ListStyle } from '../list-prefix.js';
import type { PlatformRenderer, RenderedChunk } from '../rendered.js';
import { renderInlineMarkup, wrapLines, type MarkupSyntax } from './inline-markup.js';

/** What a markup platform (Discord, Slack, Feishu) adds to the shared inline rules. */
export interface MarkupPlatform {
  limit: number;
  syntax: MarkupSyntax;
  list: ListStyle;
  /** Written before every line of a quoted unit. */
  quotePrefix: string;
  /** Deepest heading level written as a heading (`#`); deeper ones, and all when 0, become bold. */
  maxHeadingLevel: number;
  codeBlock(lang: string, lines: string[]): string;
}

export function markupRenderer(platform: MarkupPlatform): PlatformRenderer {
  return {
    limit: platform.limit,
    renderUnit: (unit: Unit): RenderedChunk => ({ text: renderUnit(unit, platform) }),
    // Leading and trailing whitespace only: code always sits inside its fences.
    finish: (chunk: RenderedChunk): RenderedChunk => ({ text: chunk.text.trim() }),
  };
}

function renderUnit(unit: Unit, platform: MarkupPlatform): string {
  if (unit.kind === 'rule') return RULE_TEXT;
  if (unit.kind === 'code') return platform.codeBlock(unit.isTable ? '' : unit.lang, unit.lines);
  return renderText(unit, platform);
}

function renderText(unit: TextUnit, platform: MarkupPlatform): string {
  const { lead, indent } = listPrefix(unit.list, unit.continued, platform.list);
  const isPlainHeading = unit.heading > 0 && unit.heading <= platform.maxHeadingLevel && unit.list.length === 0 && !unit.quote;
  let content: string;
  if (unit.heading === 0 || isPlainHeading) {
    content = renderInlineMarkup(unit.inlines, platform.syntax, indent);
  } else {
    // A heading is drawn as a bold line; bold inside it is not repeated.
    content = wrapLines(renderInlineMarkup(unit.inlines, platform.syntax, indent, ['strong']), platform.syntax.marks.strong);
  }
  const text = isPlainHeading ? `${'#'.repeat(unit.heading)} ${content}` : lead + content;
  if (!unit.quote) return text;
  return text
    .split('\n')
    .map((line) => platform.quotePrefix + line)
    .join('\n');
}
