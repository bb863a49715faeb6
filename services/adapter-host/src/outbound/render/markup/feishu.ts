import { breakFences, cleanLanguage } from '../code-fence.js';
import type { PlatformRenderer } from '../rendered.js';
import { WEB_SCHEMES } from '../safe-url.js';
import { markupRenderer } from './markup-renderer.js';

// The markdown of a Feishu card's markdown element: **bold**, *italic*, ~~strike~~, [text](url)
// (http and https only), `code`, fenced code, "- "/"1. " lists indented 4 spaces per level,
// "> " quotes. Feishu's card docs escape special characters as HTML entities (&#42; for *), not
// with backslashes; < must be escaped too, or model text such as <at id=all></at> would act.
// The card JSON around this string is built by the adapter.

export const FEISHU_LIMIT = 4000;

const ALWAYS: Record<string, string> = {
  '&': '&#38;',
  '<': '&#60;',
  '>': '&#62;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '`': '&#96;',
  '[': '&#91;',
  ']': '&#93;',
  '\\': '&#92;',
};
const AT_LINE_START: Record<string, string> = { '#': '&#35;', '-': '&#45;', '+': '&#43;' };

export function escapeFeishu(text: string, atLineStart: boolean): string {
  // Bare URLs are escaped too: Feishu decodes the entities for display, so the text reads right.
  const escaped = text.replace(/[&<>*_~`[\]\\]/g, (ch) => ALWAYS[ch]);
  if (!atLineStart) return escaped;
  return escaped.replace(/^(\s*)([#+-])/, (_m, space: string, ch: string) => space + AT_LINE_START[ch]).replace(/^(\s*\d+)\./, '$1&#46;');
}

function link(url: string, _label: string, plainLabel: string): string {
  return `[${escapeFeishu(plainLabel, false)}](${url.replace(/\(/g, '%28').replace(/\)/g, '%29')})`;
}

export const feishuRenderer: PlatformRenderer = markupRenderer({
  limit: FEISHU_LIMIT,
  syntax: {
    marks: { strong: '**', em: '*', strike: '~~' },
    escape: escapeFeishu,
    code: (text) => (text.includes('`') ? escapeFeishu(text, false) : `\`${text}\``),
    link,
    schemes: WEB_SCHEMES,
  },
  list: { bullet: '- ', levelIndent: 4 },
  quotePrefix: '> ',
  maxHeadingLevel: 0,
  codeBlock: (lang, lines) => `\`\`\`${cleanLanguage(lang)}\n${breakFences(lines.join('\n'))}\n\`\`\``,
});
