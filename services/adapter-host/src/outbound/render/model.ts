// The platform-neutral form of one model reply: what parse-markdown.ts produces and every
// renderer consumes. Kept deliberately small: anything markdown-it parses that is not listed here
// (images, raw HTML) is lowered into these shapes by the parser.

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'strong' | 'em' | 'strike'; children: Inline[] }
  | { kind: 'code'; text: string }
  | { kind: 'link'; href: string; children: Inline[] }
  | { kind: 'softbreak' }
  | { kind: 'hardbreak' };

export type ColumnAlign = 'left' | 'center' | 'right' | null;

export type Block =
  | { kind: 'paragraph'; inlines: Inline[] }
  | { kind: 'heading'; level: number; inlines: Inline[] }
  | { kind: 'list'; ordered: boolean; start: number; tight: boolean; items: Block[][] }
  | { kind: 'code'; lang: string; text: string; fenced: boolean }
  | { kind: 'quote'; children: Block[] }
  | { kind: 'table'; align: ColumnAlign[]; header: Inline[][]; rows: Inline[][][] }
  | { kind: 'rule' };

/** A formatting node: the inline kinds that wrap children. */
export type MarkKind = 'strong' | 'em' | 'strike';
