import { breakFences, cleanLanguage } from '../code-fence.js';
import type { PlatformRenderer } from '../rendered.js';
import { WEB_SCHEMES } from '../safe-url.js';
import { markupRenderer } from './markup-renderer.js';

// Discord renders its own markdown dialect: **bold**, *italic*, ~~strike~~, `code`, fenced code
// with a language, "> " quotes, "- "/"1. " lists, # to ### headings and [masked](links).
// Escaping is minimal: a backslash before the characters that could open markup anywhere, and
// before the few that only mean something at a line start (#, >, -, +, "1.").

export const DISCORD_LIMIT = 2000;

const INLINE_SPECIAL = /[\\*_~`|[\]]/g;
// What Discord links by itself: a scheme URL that does not end in punctuation (its client's
// rule). A backslash inside one would become part of the address, so such runs stay unescaped;
// "www." without a scheme is not linked there, and is escaped like any text.
const BARE_URL = /https?:\/\/[^\s<]+[^<.,:;"')\]\s]/g;

export function escapeDiscord(text: string, atLineStart: boolean): string {
  let escaped = '';
  let last = 0;
  for (const match of text.matchAll(BARE_URL)) {
    escaped += text.slice(last, match.index).replace(INLINE_SPECIAL, '\\$&') + match[0];
    last = match.index + match[0].length;
  }
  escaped += text.slice(last).replace(INLINE_SPECIAL, '\\$&');
  if (!atLineStart) return escaped;
  return escaped.replace(/^(\s*)([#>+-])/, '$1\\$2').replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

// Discord reads ``` anywhere as the start of a code block, so a code span cannot use a fence of
// three or more: a zero-width space splits every run of backticks inside, and the fence is `` if
// a single backtick remains.
function codeSpan(text: string): string {
  const code = text.replace(/(?<=`)`/g, '\u200b`');
  const fence = code.includes('`') ? '``' : '`';
  const pad = code.startsWith('`') || code.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${code}${pad}${fence}`;
}

function link(url: string, label: string, plainLabel: string): string {
  // A label that is the address itself is shown bare: Discord links it without a mask.
  if (plainLabel === url || `${plainLabel}/` === url) return url;
  return `[${label.replace(/\s*\n\s*/g, ' ')}](${url.replace(/\(/g, '%28').replace(/\)/g, '%29')})`;
}

export const discordRenderer: PlatformRenderer = markupRenderer({
  limit: DISCORD_LIMIT,
  syntax: {
    marks: { strong: '**', em: '*', strike: '~~' },
    escape: escapeDiscord,
    code: codeSpan,
    link,
    schemes: WEB_SCHEMES,
  },
  list: { bullet: '- ', levelIndent: null },
  quotePrefix: '> ',
  maxHeadingLevel: 3,
  codeBlock: (lang, lines) => `\`\`\`${cleanLanguage(lang)}\n${breakFences(lines.join('\n'))}\n\`\`\``,
});
