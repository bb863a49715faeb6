import type { Unit } from './layout.js';

/** A Telegram Bot API MessageEntity; offset and length count UTF-16 code units (JS indices). */
export interface TelegramEntity {
  type: 'bold' | 'italic' | 'underline' | 'strikethrough' | 'spoiler' | 'code' | 'pre' | 'text_link' | 'blockquote';
  offset: number;
  length: number;
  /** Only for `pre`; absent when the code block named no language. */
  language?: string;
  /** Only for `text_link`: always an absolute URL. */
  url?: string;
}

/** One message as sent: text in the platform's syntax; Telegram adds its entities. */
export interface RenderedChunk {
  text: string;
  entities?: TelegramEntity[];
}

/** How one platform draws a unit, what it allows per message, and its last pass over a chunk. */
export interface PlatformRenderer {
  /** The most a message may hold, in UTF-16 code units of `text` (entities do not count). */
  readonly limit: number;
  renderUnit(unit: Unit): RenderedChunk;
  /** Tidies a joined chunk; may only make the text shorter. */
  finish(chunk: RenderedChunk): RenderedChunk;
}
