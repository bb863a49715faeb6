import { cleanLanguage } from '../code-fence.js';
import { RULE_TEXT, type TextUnit, type Unit } from '../layout.js';
import { listPrefix, type ListStyle } from '../list-prefix.js';
import type { Inline } from '../model.js';
import type { PlatformRenderer, RenderedChunk, TelegramEntity } from '../rendered.js';
import { safeUrl } from '../safe-url.js';

// Telegram gets plain text plus MessageEntity ranges rather than MarkdownV2: nothing needs
// escaping, so "can't parse entities" cannot happen for our own output (LESSONS.md row 9).

export const TELEGRAM_LIMIT = 4096;
const SCHEMES = ['http:', 'https:', 'tg:', 'mailto:'];
const LIST_STYLE: ListStyle = { bullet: '• ', levelIndent: null };

export const telegramRenderer: PlatformRenderer = {
  limit: TELEGRAM_LIMIT,
  renderUnit,
  finish,
};

function renderUnit(unit: Unit): RenderedChunk {
  if (unit.kind === 'rule') return { text: RULE_TEXT, entities: [] };
  if (unit.kind === 'code') {
    const text = unit.lines.join('\n');
    const language = unit.isTable ? '' : cleanLanguage(unit.lang);
    const pre: TelegramEntity = { type: 'pre', offset: 0, length: text.length, ...(language ? { language } : {}) };
    return { text, entities: text.length > 0 ? [pre] : [] };
  }
  return renderText(unit);
}

const MARK_ENTITY = { strong: 'bold', em: 'italic', strike: 'strikethrough' } as const;

function renderText(unit: TextUnit): RenderedChunk {
  const { lead, indent } = listPrefix(unit.list, unit.continued, LIST_STYLE);
  const out = { text: lead, entities: [] as TelegramEntity[] };
  const add = (type: TelegramEntity['type'], offset: number, extra: Partial<TelegramEntity> = {}): void => {
    if (out.text.length > offset) out.entities.push({ type, offset, length: out.text.length - offset, ...extra });
  };
  const walk = (nodes: Inline[]): void => {
    for (const node of nodes) {
      const start = out.text.length;
      if (node.kind === 'text') out.text += node.text;
      else if (node.kind === 'softbreak' || node.kind === 'hardbreak') out.text += `\n${indent}`;
      else if (node.kind === 'code') {
        out.text += node.text;
        add('code', start);
      } else if (node.kind === 'link') {
        walk(node.children);
        const url = safeUrl(node.href, SCHEMES);
        if (url !== null) add('text_link', start, { url });
      } else {
        walk(node.children);
        add(MARK_ENTITY[node.kind], start);
      }
    }
  };
  walk(unit.inlines);
  if (unit.heading > 0) add('bold', lead.length);
  if (unit.quote) add('blockquote', 0);
  return out;
}

/** Trims the chunk (never into code), merges neighbouring quotes, drops redundant entities. */
function finish(chunk: RenderedChunk): RenderedChunk {
  const entities = chunk.entities ?? [];
  const isCode = (i: number): boolean =>
    entities.some((e) => (e.type === 'pre' || e.type === 'code') && e.offset <= i && i < e.offset + e.length);
  let start = 0;
  let end = chunk.text.length;
  while (start < end && /\s/.test(chunk.text[start]) && !isCode(start)) start += 1;
  while (end > start && /\s/.test(chunk.text[end - 1]) && !isCode(end - 1)) end -= 1;
  const clipped = entities
    .map((e) => {
      const from = Math.max(e.offset, start);
      const to = Math.min(e.offset + e.length, end);
      return { ...e, offset: from - start, length: to - from };
    })
    .filter((e) => e.length > 0);
  const text = chunk.text.slice(start, end);
  return { text, entities: sortEntities(dropNestedDuplicates(mergeQuotes(clipped, text))) };
}

// Consecutive quoted units are one quotation: Telegram forbids nesting them and would draw two boxes.
function mergeQuotes(entities: TelegramEntity[], text: string): TelegramEntity[] {
  const quotes = entities.filter((e) => e.type === 'blockquote').sort((a, b) => a.offset - b.offset);
  const merged: TelegramEntity[] = [];
  for (const q of quotes) {
    const last = merged[merged.length - 1];
    const lastEnd = last ? last.offset + last.length : -1;
    if (last && q.offset >= lastEnd && text.slice(lastEnd, q.offset).trim() === '') {
      last.length = q.offset + q.length - last.offset;
    } else {
      merged.push({ ...q });
    }
  }
  return [...entities.filter((e) => e.type !== 'blockquote'), ...merged];
}

// Bold inside a bold heading (and the like) says nothing new.
function dropNestedDuplicates(entities: TelegramEntity[]): TelegramEntity[] {
  return entities.filter(
    (e, i) =>
      e.type === 'text_link' ||
      !entities.some(
        (o, j) =>
          j !== i &&
          o.type === e.type &&
          o.offset <= e.offset &&
          e.offset + e.length <= o.offset + o.length &&
          (o.length > e.length || j < i),
      ),
  );
}

export function sortEntities(entities: TelegramEntity[]): TelegramEntity[] {
  return [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
}
