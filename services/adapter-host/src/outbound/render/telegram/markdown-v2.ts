import type { TelegramEntity } from '../rendered.js';

// Text + entities written as a Bot API MarkdownV2 string, escaped exactly as the docs require
// (core.telegram.org/bots/api#markdownv2-style):
// - inside pre and code, only ` and \ are escaped;
// - inside the (…) of an inline link, only ) and \;
// - everywhere else _ * [ ] ( ) ~ ` > # + - = | { } . ! and \ itself.
// Entities must nest properly (as Telegram requires anyway); a blockquote must start at a line
// start, because MarkdownV2 marks quoted lines with a leading ">".

const RESERVED = /[_*[\]()~`>#+\-=|{}.!\\]/;
const OPEN: Partial<Record<TelegramEntity['type'], string>> = {
  bold: '*',
  italic: '_',
  underline: '__',
  strikethrough: '~',
  spoiler: '||',
  code: '`',
  text_link: '[',
};
const CLOSE: Partial<Record<TelegramEntity['type'], string>> = { ...OPEN, text_link: ']', pre: '```' };

export function toMarkdownV2(text: string, entities: readonly TelegramEntity[] = []): string {
  // Outer entities open first; on equal ranges the quote goes outside, its ">" must lead the line.
  const sorted = entities
    .filter((e) => e.length > 0)
    .sort((a, b) => a.offset - b.offset || b.length - a.length || Number(b.type === 'blockquote') - Number(a.type === 'blockquote'));
  const stack: TelegramEntity[] = [];
  let out = '';
  // Two markers written back to back can read as another one ("_" + "__"); a carriage return,
  // which Telegram ignores, keeps them apart (the docs' own "___italic underline_\r__").
  let lastMarker = '';
  const marker = (m: string): void => {
    if (lastMarker !== '' && m !== '' && lastMarker[lastMarker.length - 1] === m[0]) out += '\r';
    out += m;
    lastMarker = m;
  };
  let next = 0;
  for (let i = 0; i <= text.length; i += 1) {
    while (stack.length > 0 && end(stack[stack.length - 1]) <= i) marker(closing(stack.pop() as TelegramEntity));
    while (next < sorted.length && sorted[next].offset === i) {
      const entity = sorted[next++];
      stack.push(entity);
      marker(opening(entity));
    }
    if (i === text.length) break;
    const ch = text[i];
    const inCode = stack.some((e) => e.type === 'code' || e.type === 'pre');
    out += inCode ? (ch === '`' || ch === '\\' ? `\\${ch}` : ch) : escapeChar(ch);
    lastMarker = '';
    const quote = stack.find((e) => e.type === 'blockquote');
    if (ch === '\n' && quote && i + 1 < end(quote)) marker('>');
  }
  return out;
}

/** The fallback when Telegram rejects formatting: the same text, no markup at all. */
export function toPlainText(text: string, _entities: readonly TelegramEntity[] = []): string {
  return text;
}

function end(e: TelegramEntity): number {
  return e.offset + e.length;
}

function opening(e: TelegramEntity): string {
  if (e.type === 'pre') return `\`\`\`${(e.language ?? '').replace(/[^A-Za-z0-9_+#.-]/g, '')}\n`;
  if (e.type === 'blockquote') return '>';
  return OPEN[e.type] ?? '';
}

function closing(e: TelegramEntity): string {
  if (e.type === 'text_link') return `](${(e.url ?? '').replace(/[)\\]/g, '\\$&')})`;
  return CLOSE[e.type] ?? '';
}

function escapeChar(ch: string): string {
  if (RESERVED.test(ch)) return `\\${ch}`;
  // A bare CR would be read as the ignorable separator above; escaped, it is kept.
  return ch === '\r' ? '\\\r' : ch;
}
