import MarkdownIt from 'markdown-it';
import { cleanInput } from './clean-input.js';
import { visibleText } from './inline-text.js';
import { literalBlocks } from './literal-blocks.js';
import type { Block, ColumnAlign, Inline } from './model.js';

// html: false so a model's raw HTML (`<script>…`) stays literal text; linkify off so a bare URL is
// not turned into a link whose href we never saw written.
const md = new MarkdownIt({ html: false, linkify: false });
// The default preset's nesting limit (100; missing from @types/markdown-it). It also bounds the
// recursion of this parser, of layout.ts and of the inline walkers.
const MAX_NESTING = (md.options as { maxNesting?: number }).maxNesting ?? 100;

type Token = ReturnType<MarkdownIt['parse']>[number];

/** Parses a model reply (CommonMark + GFM tables and ~~strike~~) into the block model. */
export function parseMarkdown(markdown: string): Block[] {
  const text = cleanInput(markdown);
  const tokens = md.parse(text, {});
  // A container opened this deep had its content dropped by markdown-it (see literal-blocks.ts).
  if (tokens.some((tok) => tok.level >= MAX_NESTING - 1)) return literalBlocks(text);
  const cursor = { tokens, i: 0 };
  return parseBlocks(cursor, null);
}

interface Cursor {
  tokens: Token[];
  i: number;
}

function parseBlocks(cur: Cursor, closeType: string | null): Block[] {
  const blocks: Block[] = [];
  while (cur.i < cur.tokens.length) {
    const tok = cur.tokens[cur.i];
    if (closeType !== null && tok.type === closeType) {
      cur.i += 1;
      return blocks;
    }
    const block = parseBlock(cur, tok);
    if (block) blocks.push(block);
  }
  return blocks;
}

function parseBlock(cur: Cursor, tok: Token): Block | null {
  cur.i += 1;
  switch (tok.type) {
    case 'paragraph_open': {
      const inlines = parseInlines(cur.tokens[cur.i].children ?? []);
      cur.i += 2; // inline, paragraph_close
      return { kind: 'paragraph', inlines };
    }
    case 'heading_open': {
      const inlines = parseInlines(cur.tokens[cur.i].children ?? []);
      cur.i += 2;
      return { kind: 'heading', level: Number(tok.tag.slice(1)), inlines };
    }
    case 'bullet_list_open':
    case 'ordered_list_open':
      return parseList(cur, tok);
    case 'blockquote_open':
      return { kind: 'quote', children: parseBlocks(cur, 'blockquote_close') };
    case 'fence':
      return { kind: 'code', lang: tok.info.trim().split(/\s+/)[0] ?? '', text: stripFinalNewline(tok.content), fenced: true };
    case 'code_block':
      return { kind: 'code', lang: '', text: stripFinalNewline(tok.content), fenced: false };
    case 'hr':
      return { kind: 'rule' };
    case 'table_open':
      return parseTable(cur);
    default:
      // html_block cannot occur (html: false); anything else unknown is skipped, not guessed at.
      return null;
  }
}

function stripFinalNewline(text: string): string {
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

function parseList(cur: Cursor, open: Token): Block {
  const ordered = open.type === 'ordered_list_open';
  const closeType = ordered ? 'ordered_list_close' : 'bullet_list_close';
  const start = Number(open.attrGet('start') ?? 1);
  const items: Block[][] = [];
  let tight = true;
  while (cur.i < cur.tokens.length && cur.tokens[cur.i].type !== closeType) {
    if (cur.tokens[cur.i].type !== 'list_item_open') {
      cur.i += 1;
      continue;
    }
    // markdown-it marks the paragraphs of a tight list hidden.
    const firstParagraph = cur.tokens[cur.i + 1];
    if (firstParagraph?.type === 'paragraph_open' && !firstParagraph.hidden) tight = false;
    cur.i += 1;
    items.push(parseBlocks(cur, 'list_item_close'));
  }
  cur.i += 1;
  return { kind: 'list', ordered, start: Number.isFinite(start) ? start : 1, tight, items };
}

function parseTable(cur: Cursor): Block {
  const header: Inline[][] = [];
  const rows: Inline[][][] = [];
  const align: ColumnAlign[] = [];
  let row: Inline[][] | null = null;
  let inHead = false;
  for (; cur.i < cur.tokens.length; cur.i += 1) {
    const tok = cur.tokens[cur.i];
    if (tok.type === 'table_close') break;
    if (tok.type === 'thead_open') inHead = true;
    else if (tok.type === 'thead_close') inHead = false;
    else if (tok.type === 'tr_open') row = inHead ? header : [];
    else if (tok.type === 'tr_close' && row && !inHead) rows.push(row);
    else if (tok.type === 'th_open') align.push(toAlign(tok.attrGet('style')));
    else if (tok.type === 'inline' && row) row.push(parseInlines(tok.children ?? []));
  }
  cur.i += 1;
  return { kind: 'table', align, header, rows };
}

function toAlign(style: string | null): ColumnAlign {
  const match = /text-align:(left|center|right)/.exec(style ?? '');
  return match ? (match[1] as ColumnAlign) : null;
}

const OPEN_TO_MARK = { strong_open: 'strong', em_open: 'em', s_open: 'strike' } as const;

/** Turns markdown-it's flat inline token list (open/close pairs) into a tree. */
export function parseInlines(tokens: Token[]): Inline[] {
  const root: Inline[] = [];
  const stack: Inline[][] = [root];
  const top = (): Inline[] => stack[stack.length - 1];
  for (const tok of tokens) {
    const type = tok.type;
    if (type in OPEN_TO_MARK) {
      const node: Inline = { kind: OPEN_TO_MARK[type as keyof typeof OPEN_TO_MARK], children: [] };
      top().push(node);
      stack.push(node.children);
    } else if (type === 'link_open') {
      const node: Inline = { kind: 'link', href: tok.attrGet('href') ?? '', children: [] };
      top().push(node);
      stack.push(node.children);
    } else if (type.endsWith('_close')) {
      if (stack.length > 1) closeNode(stack.pop() as Inline[], top());
    } else if (type === 'text' && tok.content !== '') {
      pushText(top(), tok.content);
    } else if (type === 'code_inline') {
      top().push({ kind: 'code', text: tok.content });
    } else if (type === 'softbreak' || type === 'hardbreak') {
      top().push({ kind: type });
    } else if (type === 'image') {
      // An image becomes a link to it, labelled with its alt text: chat messages carry no inline images.
      const alt = tok.content !== '' ? tok.content : 'image';
      top().push({ kind: 'link', href: tok.attrGet('src') ?? '', children: [{ kind: 'text', text: alt }] });
    }
  }
  return root;
}

// A link whose label is empty or blank (`[](https://x)`, `[ ](https://x)`) would be invisible:
// show its address instead.
function closeNode(children: Inline[], parent: Inline[]): void {
  const node = parent[parent.length - 1];
  if (node?.kind === 'link' && node.children === children && visibleText(children).trim() === '') {
    children.splice(0, children.length, { kind: 'text', text: node.href });
  }
}

function pushText(into: Inline[], text: string): void {
  const last = into[into.length - 1];
  if (last?.kind === 'text') last.text += text;
  else into.push({ kind: 'text', text });
}
