// MarkdownV2 as Telegram parses it: a port of tdlib's parse_markdown_v2 (td/telegram/MessageEntity.cpp),
// including its error messages, so an adapter's escaping bugs fail here as they fail in production.
// tdlib walks UTF-8 bytes; every markup character is ASCII, so walking UTF-16 units gives the same
// result, and the output length is directly the UTF-16 offset the Bot API reports.
import { checkedLink, linkCustomEmojiId, linkUserId } from './links';
import type { MessageEntity } from './types';

/** A markup error in tdlib's words, without the "can't parse entities: " prefix the Bot API adds. */
export class MarkupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MarkupError';
  }
}

type Kind = 'bold' | 'italic' | 'underline' | 'strikethrough' | 'spoiler' | 'text_link' | 'custom_emoji' | 'code' | 'pre' | 'pre_code' | 'blockquote';

// tdlib's type names, as they appear in "Can't find end of Bold entity ...".
const TD_NAME: Record<Kind, string> = {
  bold: 'Bold',
  italic: 'Italic',
  underline: 'Underline',
  strikethrough: 'Strikethrough',
  spoiler: 'Spoiler',
  text_link: 'TextUrl',
  custom_emoji: 'CustomEmoji',
  code: 'Code',
  pre: 'Pre',
  pre_code: 'PreCode',
  blockquote: 'BlockQuote',
};

// tdlib's sort order for entities that start at the same offset with the same length.
const PRIORITY: Record<string, number> = {
  blockquote: 0, expandable_blockquote: 0, pre: 11, code: 20, text_link: 49, text_mention: 49,
  bold: 90, italic: 91, underline: 92, strikethrough: 93, spoiler: 94, custom_emoji: 99,
};

export function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return entities.sort((a, b) => a.offset - b.offset || b.length - a.length || (PRIORITY[a.type] ?? 50) - (PRIORITY[b.type] ?? 50));
}

const RESERVED = '_*[]()~`>#+-=|{}.!\n';

interface Open {
  kind: Kind;
  argument: string;
  /** Output offset where the entity starts. */
  offset: number;
  /** Input index of its opening markup, for error messages and the "||" before a newline check. */
  at: number;
}

function isSpace(ch: string | undefined): boolean {
  return ch === undefined || ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n' || ch === '\v';
}

function isEscape(input: string, i: number): boolean {
  const next = input.charCodeAt(i + 1);
  return input[i] === '\\' && next > 0 && next <= 126;
}

class Parser {
  private out = '';
  private readonly entities: MessageEntity[] = [];
  private readonly open: Open[] = [];
  private haveQuote = false;
  private canStartQuote = true;
  private i = 0;

  constructor(private readonly input: string) {}

  run(): { text: string; entities: MessageEntity[] } {
    const { input } = this;
    for (this.i = 0; this.i < input.length; this.i++) {
      const c = input[this.i];
      if (isEscape(input, this.i)) {
        this.i++;
        this.out += input[this.i];
        if (input[this.i] !== '\r') this.canStartQuote = input[this.i] === '\n';
        continue;
      }
      const top = this.top();
      const inCode = top?.kind === 'code' || top?.kind === 'pre' || top?.kind === 'pre_code';
      if (!(inCode ? '`' : RESERVED).includes(c)) {
        this.out += c;
        if (c !== '\r') this.canStartQuote = false;
        continue;
      }
      if (this.isEnd(c)) this.end(c);
      else this.begin(c);
    }
    this.finish();
    return { text: this.out, entities: sortEntities(this.entities) };
  }

  private top(): Open | undefined {
    return this.open[this.open.length - 1];
  }

  private byteOffset(index: number): number {
    return Buffer.byteLength(this.input.slice(0, index), 'utf8');
  }

  private reserved(ch: string): MarkupError {
    return new MarkupError(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`);
  }

  private noEnd(entry: Open): MarkupError {
    return new MarkupError(`Can't find end of ${TD_NAME[entry.kind]} entity at byte offset ${this.byteOffset(entry.at)}`);
  }

  private isEnd(c: string): boolean {
    const top = this.top();
    if (!top) return false;
    const next = this.input[this.i + 1];
    if (this.haveQuote && c === '\n' && next !== '>') return true;
    switch (top.kind) {
      case 'bold':
        return c === '*';
      case 'italic':
        return c === '_' && next !== '_';
      case 'code':
        return c === '`';
      case 'pre':
      case 'pre_code':
        return c === '`' && next === '`' && this.input[this.i + 2] === '`';
      case 'text_link':
      case 'custom_emoji':
        return c === ']';
      case 'underline':
        return c === '_' && next === '_';
      case 'strikethrough':
        return c === '~';
      case 'spoiler':
        return c === '|' && next === '|';
      case 'blockquote':
        return false;
    }
  }

  private begin(c: string): void {
    const { input } = this;
    const at = this.i;
    const next = input[this.i + 1];
    let kind: Kind;
    let argument = '';
    switch (c) {
      case '_':
        kind = next === '_' ? 'underline' : 'italic';
        if (kind === 'underline') this.i++;
        break;
      case '*':
        kind = 'bold';
        break;
      case '~':
        kind = 'strikethrough';
        break;
      case '|':
        if (next !== '|') throw this.reserved(c);
        this.i++;
        kind = 'spoiler';
        break;
      case '[':
        kind = 'text_link';
        break;
      case '`':
        if (next === '`' && input[this.i + 2] === '`') {
          ({ kind, argument } = this.beginPre());
        } else {
          kind = 'code';
        }
        break;
      case '!':
        if (next !== '[') throw this.reserved(c);
        this.i++;
        kind = 'custom_emoji';
        break;
      case '\n':
        this.out += '\n';
        this.canStartQuote = true;
        return;
      case '>':
        if (!this.canStartQuote) throw this.reserved(c);
        // A '>' that continues a quote is markup only; the quote is already open.
        if (this.haveQuote) return;
        this.haveQuote = true;
        kind = 'blockquote';
        break;
      default:
        throw this.reserved(c);
    }
    this.open.push({ kind, argument, offset: this.out.length, at });
  }

  /** "```lang\n": an optional language up to the first space, then one skipped line break. */
  private beginPre(): { kind: Kind; argument: string } {
    const { input } = this;
    this.i += 3;
    let kind: Kind = 'pre';
    let argument = '';
    let end = this.i;
    while (end < input.length && !isSpace(input[end]) && input[end] !== '`') end++;
    if (end !== this.i && end < input.length && input[end] !== '`') {
      kind = 'pre_code';
      argument = input.slice(this.i, end);
      this.i = end;
    }
    const ch = input[this.i];
    if (ch === '\n' || ch === '\r') {
      const after = input[this.i + 1];
      this.i += (after === '\n' || after === '\r') && after !== ch ? 2 : 1;
    }
    this.i--;
    return { kind, argument };
  }

  private end(c: string): void {
    let entry = this.top()!;
    let type: string = entry.kind;
    if (c === '\n' && entry.kind !== 'blockquote') {
      // The quote ends here; only a "||" right before the line break may still be open: it marks the quote expandable.
      const closesRightBefore = entry.at === this.i - 2 || (entry.at === this.i - 3 && this.out.endsWith('\r'));
      if (entry.kind !== 'spoiler' || !closesRightBefore) throw this.noEnd(entry);
      this.open.pop();
      entry = this.top()!;
      if (entry.kind !== 'blockquote') throw this.noEnd(entry);
      type = 'expandable_blockquote';
    }
    const extra = this.closeEntity(entry, type);
    if (extra !== undefined) {
      const entityType = entry.kind === 'pre_code' ? 'pre' : extra.type ?? type;
      this.entities.push({ ...extra, type: entityType, offset: entry.offset, length: this.out.length - entry.offset });
    }
    this.open.pop();
  }

  /** Consumes the closing markup; returns the entity's extra fields, or undefined when it is skipped. */
  private closeEntity(entry: Open, type: string): Partial<MessageEntity> | undefined {
    const empty = this.out.length === entry.offset;
    switch (type) {
      case 'underline':
      case 'spoiler':
        this.i++;
        return empty ? undefined : {};
      case 'pre':
      case 'pre_code':
        this.i += 2;
        if (empty) return undefined;
        return entry.kind === 'pre_code' ? { language: entry.argument } : {};
      case 'text_link':
        return this.closeLink(entry, empty);
      case 'custom_emoji': {
        if (this.input[this.i + 1] !== '(') throw new MarkupError('Custom emoji entity must contain a tg://emoji URL');
        const url = this.readUrl('custom emoji URL');
        let id: string;
        try {
          id = linkCustomEmojiId(url);
        } catch (err) {
          throw new MarkupError((err as Error).message);
        }
        return empty ? undefined : { custom_emoji_id: id };
      }
      case 'blockquote':
      case 'expandable_blockquote':
        this.haveQuote = false;
        this.out += this.input[this.i];
        this.canStartQuote = true;
        return {};
      default:
        return empty ? undefined : {};
    }
  }

  private closeLink(entry: Open, empty: boolean): Partial<MessageEntity> | undefined {
    const url = this.input[this.i + 1] === '(' ? this.readUrl('URL') : this.out.slice(entry.offset);
    if (empty) return undefined;
    const userId = linkUserId(url);
    if (userId !== undefined) return { type: 'text_mention', user: { id: userId, is_bot: false, first_name: '' } };
    const checked = checkedLink(url);
    return checked ? { url: checked } : undefined;
  }

  /** Reads "(...)" after "]": only ')' and '\' need escaping inside. */
  private readUrl(what: string): string {
    const { input } = this;
    this.i += 2;
    const begin = this.i;
    let url = '';
    while (this.i < input.length && input[this.i] !== ')') {
      if (isEscape(input, this.i)) {
        url += input[this.i + 1];
        this.i += 2;
        continue;
      }
      url += input[this.i++];
    }
    if (input[this.i] !== ')') throw new MarkupError(`Can't find end of a ${what} at byte offset ${this.byteOffset(begin)}`);
    return url;
  }

  private finish(): void {
    if (this.haveQuote) {
      let type = 'blockquote';
      let top = this.top()!;
      if (top.kind === 'spoiler' && top.at === this.input.length - 2) {
        this.open.pop();
        top = this.top()!;
        type = 'expandable_blockquote';
      }
      if (top.kind === 'blockquote') {
        this.haveQuote = false;
        const length = this.out.length - top.offset;
        if (length !== 0) this.entities.push({ type, offset: top.offset, length });
        this.open.pop();
      }
    }
    const last = this.top();
    if (last) throw this.noEnd(last);
  }
}

/** Parses MarkdownV2 into visible text and entities; throws MarkupError with tdlib's message. */
export function parseMarkdownV2(input: string): { text: string; entities: MessageEntity[] } {
  return new Parser(input).run();
}
