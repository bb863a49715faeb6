import { breakFences, cleanLanguage, splitBareUrls } from '../code-fence.js';
import type { PlatformRenderer } from '../rendered.js';
import { WEB_SCHEMES } from '../safe-url.js';
import { markupRenderer } from './markup-renderer.js';

// Discord renders its own markdown dialect: **bold**, *italic*, ~~strike~~, `code`, fenced code
// with a language, "> " quotes, "- "/"1. " lists, # to ### headings and [masked](links).
// Escaping is minimal: a backslash before the characters that could open markup anywhere, and
// before the few that only mean something at a line start (#, >, -, +, "1.").

export const DISCORD_LIMIT = 2000;

const INLINE_SPECIAL = /[\\*_~`|[\]]/g;

export function escapeDiscord(text: string, atLineStart: boolean): string {
  const escaped = splitBareUrls(text)
    .map((run) => (run.isUrl ? run.text : run.text.replace(INLINE_SPECIAL, '\\$&')))
    .join('');
  if (!atLineStart) return escaped;
  return escaped.replace(/^(\s*)([#>+-])/, '$1\\$2').replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
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
