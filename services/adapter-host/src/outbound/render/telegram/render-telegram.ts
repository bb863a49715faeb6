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

// Nesting rules of the Bot API ("MessageEntity"): pre and code contain no other entity, and bold,
// italic and strikethrough may not be part of them either; a link and code may not contain each
// other. So code inside a clickable link is shown as plain text, and formatting that spans code
// is cut into the pieces around it (code is set apart by its monospace font anyway).
function renderText(unit: TextUnit): RenderedChunk {
  const { lead, indent } = listPrefix(unit.list, unit.continued, LIST_STYLE);
  const out = { text: lead, entities: [] as TelegramEntity[] };
  // The code entities so far, in text order.
  const codes: TelegramEntity[] = [];
  const add = (type: TelegramEntity['type'], offset: number, extra: Partial<TelegramEntity> = {}): void => {
    if (out.text.length > offset) out.entities.push({ type, offset, length: out.text.length - offset, ...extra });
  };
  const addAroundCode = (type: TelegramEntity['type'], offset: number): void => {
    let from = offset;
    for (let i = firstCodeFrom(codes, offset); i < codes.length; i += 1) {
      if (codes[i].offset > from) out.entities.push({ type, offset: from, length: codes[i].offset - from });
      from = codes[i].offset + codes[i].length;
    }
    add(type, from);
  };
  const walk = (nodes: Inline[], inLink: boolean): void => {
    for (const node of nodes) {
      const start = out.text.length;
      if (node.kind === 'text') out.text += node.text;
      else if (node.kind === 'softbreak' || node.kind === 'hardbreak') out.text += `\n${indent}`;
      else if (node.kind === 'code') {
        out.text += node.text;
        if (!inLink && node.text !== '') codes.push({ type: 'code', offset: start, length: node.text.length });
      } else if (node.kind === 'link') {
        const url = safeUrl(node.href, SCHEMES);
        walk(node.children, inLink || url !== null);
        if (url !== null) add('text_link', start, { url });
      } else {
        walk(node.children, inLink);
        addAroundCode(MARK_ENTITY[node.kind], start);
      }
    }
  };
  walk(unit.inlines, false);
  if (unit.heading > 0) addAroundCode('bold', lead.length);
  if (unit.quote) add('blockquote', 0);
  return { text: out.text, entities: [...out.entities, ...codes] };
}

/** The index of the first code entity starting at or after `offset` (binary search). */
function firstCodeFrom(codes: TelegramEntity[], offset: number): number {
  let lo = 0;
  let hi = codes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (codes[mid].offset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
  return { text, entities: dropNestedDuplicates(mergeQuotes(clipped, text)) };
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

// Bold inside a bold heading (and the like) says nothing new. Sorted outermost first, an entity
// is redundant when an earlier one of its type reaches at least as far: that one starts no later,
// so it contains it. One pass, since a chunk can hold thousands of entities; returns them sorted.
function dropNestedDuplicates(entities: TelegramEntity[]): TelegramEntity[] {
  const reach = new Map<string, number>();
  const kept: TelegramEntity[] = [];
  for (const e of sortEntities(entities)) {
    const end = e.offset + e.length;
    const key = e.type === 'text_link' ? `${e.type} ${e.url ?? ''}` : e.type;
    if ((reach.get(key) ?? -1) >= end) continue;
    reach.set(key, Math.max(reach.get(key) ?? -1, end));
    kept.push(e);
  }
  return kept;
}

function sortEntities(entities: TelegramEntity[]): TelegramEntity[] {
  return [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
}
