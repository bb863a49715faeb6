import { visibleText } from '../inline-text.js';
import type { Inline, MarkKind } from '../model.js';
import { safeUrl } from '../safe-url.js';

// Inline content written in a markup language (Discord markdown, Slack mrkdwn, Feishu card
// markdown). The platforms differ in markers and escaping only; the rules that keep markup valid
// are shared:
// - a marker wraps each line separately (Slack cannot carry formatting across a newline), and
//   whitespace is moved outside it ("**a **" does not render; "**a** " does);
// - a mark inside the same mark is not written again (Slack has no nested bold);
// - literal text is escaped by the platform, knowing whether it starts a line.

export interface MarkupSyntax {
  marks: Record<MarkKind, string>;
  /** Literal text. `atLineStart` when nothing precedes it on its line but the list marker. */
  escape(text: string, atLineStart: boolean): string;
  /** Inline code; may fall back to escaped text when the platform cannot show `text` as code. */
  code(text: string): string;
  /** A link to an already vetted absolute URL. `label` is rendered, `plainLabel` is its visible text. */
  link(url: string, label: string, plainLabel: string): string;
  /** Schemes a link may use to be clickable. */
  schemes: readonly string[];
}

interface State {
  syntax: MarkupSyntax;
  /** Put after every line break: the indentation of a list item's later lines. */
  indent: string;
  active: ReadonlySet<MarkKind>;
  atLineStart: boolean;
}

export function renderInlineMarkup(nodes: Inline[], syntax: MarkupSyntax, indent: string, active: MarkKind[] = []): string {
  return renderNodes(nodes, { syntax, indent, active: new Set(active), atLineStart: true });
}

function renderNodes(nodes: Inline[], state: State): string {
  let out = '';
  for (const node of nodes) {
    out += renderNode(node, state);
    state.atLineStart = node.kind === 'softbreak' || node.kind === 'hardbreak';
  }
  return out;
}

function renderNode(node: Inline, state: State): string {
  const { syntax } = state;
  switch (node.kind) {
    case 'text':
      return syntax.escape(node.text, state.atLineStart);
    case 'code':
      return syntax.code(node.text);
    case 'softbreak':
    case 'hardbreak':
      return `\n${state.indent}`;
    case 'link': {
      const url = safeUrl(node.href, syntax.schemes);
      if (url === null) return renderNodes(node.children, state);
      const label = renderNodes(node.children, { ...state, atLineStart: false });
      return syntax.link(url, label, visibleText(node.children).replace(/\s+/g, ' '));
    }
    default: {
      if (state.active.has(node.kind)) return renderNodes(node.children, state);
      const active = new Set(state.active).add(node.kind);
      const inner = renderNodes(node.children, { ...state, active, atLineStart: false });
      return wrapLines(inner, syntax.marks[node.kind]);
    }
  }
}

/** Puts `marker` around the non-blank core of every line of `text`. */
export function wrapLines(text: string, marker: string): string {
  return text
    .split('\n')
    .map((line) => {
      const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(line) as RegExpExecArray;
      return match[2] === '' ? line : `${match[1]}${marker}${match[2]}${marker}${match[3]}`;
    })
    .join('\n');
}
