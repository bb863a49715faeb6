import { breakFences } from '../code-fence.js';
import type { PlatformRenderer } from '../rendered.js';
import { markupRenderer } from './markup-renderer.js';

// Slack mrkdwn: *bold*, _italic_, ~strike~, `code`, ``` blocks (no language), <url|label> links.
// Slack asks for exactly three escapes, & < and >, everywhere in the text (code included), since
// "<" starts its control sequences (<@U123>, <!here>). It has no escape for * _ ~ `; markdown-it has
// already turned paired ones into formatting, so the literal ones left rarely pair up.

export const SLACK_LIMIT = 4000;
const SCHEMES = ['http:', 'https:', 'mailto:'];

export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Inside <url|label>: the address must not contain a raw |, < or > (it would end the link), and
// & is escaped like anywhere else; the label is plain escaped text, so a > cannot close it early.
function link(url: string, _label: string, plainLabel: string): string {
  const address = url.replace(/&/g, '&amp;').replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E');
  if (plainLabel === url) return `<${address}>`;
  return `<${address}|${escapeSlack(plainLabel)}>`;
}

export const slackRenderer: PlatformRenderer = markupRenderer({
  limit: SLACK_LIMIT,
  syntax: {
    marks: { strong: '*', em: '_', strike: '~' },
    escape: escapeSlack,
    // A backtick cannot be shown inside Slack inline code: such a span is shown as text.
    code: (text) => (text.includes('`') ? escapeSlack(text) : `\`${escapeSlack(text)}\``),
    link,
    schemes: SCHEMES,
  },
  list: { bullet: '• ', levelIndent: null },
  quotePrefix: '> ',
  maxHeadingLevel: 0,
  codeBlock: (_lang, lines) => `\`\`\`\n${escapeSlack(breakFences(lines.join('\n')))}\n\`\`\``,
});
