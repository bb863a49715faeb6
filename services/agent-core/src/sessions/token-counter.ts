import { Tiktoken, type TiktokenBPE } from 'js-tiktoken/lite';
import { messageText, type ChatMessage } from '../agent/messages';

export type TokenEncoding = 'o200k_base' | 'cl100k_base';

// A rank table is several MB and most conversations never get near the window (history.ts
// checks a byte bound first), so a table is loaded on first use only.
function ranks(encoding: TokenEncoding): TiktokenBPE {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(`js-tiktoken/ranks/${encoding}`) as TiktokenBPE;
}

// Building an encoder parses its whole rank table (~100-200k entries, tens of ms), so each is
// built on first use and then kept: at most two, never one per model or per text.
const encoders = new Map<TokenEncoding, Tiktoken>();

// OpenAI's accounting for chat input: a few tokens of framing per message, one more for a
// `name`, and the tokens that prime the reply.
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const TOKENS_REPLY_PRIMING = 3;

// gpt-3.5 and the gpt-4 family before gpt-4o (gpt-4, gpt-4-turbo, gpt-4-32k) and the older
// embedding models use cl100k; `gpt-4o`, `gpt-4.1`, `gpt-4.5`, o-series and newer use o200k.
const CL100K_MODEL = /^(gpt-3\.5|gpt-35|gpt-4(?![o.\d])|text-embedding-)/;

/**
 * The encoding to count a model's tokens with. Models of other vendors (Anthropic, Llama, ...)
 * have tokenizers we do not ship; o200k is a close enough estimate for budgeting context.
 * Accepts `<provider>/<name>` ids.
 */
export function encodingForModel(model?: string): TokenEncoding {
  const name = (model ?? '').toLowerCase().split('/').at(-1) ?? '';
  return CL100K_MODEL.test(name) ? 'cl100k_base' : 'o200k_base';
}

function encoder(encoding: TokenEncoding): Tiktoken {
  let enc = encoders.get(encoding);
  if (!enc) {
    enc = new Tiktoken(ranks(encoding));
    encoders.set(encoding, enc);
  }
  return enc;
}

// js-tiktoken's byte-pair merge is quadratic in the length of one regex piece: 8,000 'a's take
// seconds. Pieces never cross a space/non-space boundary, so only long runs of either can be
// slow; those are encoded in short slices, each boundary adding at most one token to the count.
const LONG_RUN = /\S{64,}|\s{64,}/g;
const SLICE_CHARS = 32;

function encodedLength(enc: Tiktoken, text: string): number {
  const exact = (part: string): number => (part.length === 0 ? 0 : enc.encode(part, [], []).length);
  let count = 0;
  let last = 0;
  for (const run of text.matchAll(LONG_RUN)) {
    count += exact(text.slice(last, run.index));
    for (let i = 0; i < run[0].length; i += SLICE_CHARS) count += exact(run[0].slice(i, i + SLICE_CHARS));
    last = run.index + run[0].length;
  }
  return count + exact(text.slice(last));
}

/** Tokens in plain text. Special-token markers in the text count as ordinary text, never throw. */
export function countText(text: string, model?: string): number {
  if (text.length === 0) return 0;
  return encodedLength(encoder(encodingForModel(model)), text);
}

/** Tokens one message adds to a chat request, framing included. */
export function countMessage(message: ChatMessage, model?: string): number {
  const name = message.role === 'user' && message.name ? TOKENS_PER_NAME + countText(message.name, model) : 0;
  return TOKENS_PER_MESSAGE + name + countText(messageText(message), model);
}

/** Tokens a chat request with these messages uses before the reply. */
export function countMessages(messages: readonly ChatMessage[], model?: string): number {
  if (messages.length === 0) return 0;
  return messages.reduce((sum, m) => sum + countMessage(m, model), TOKENS_REPLY_PRIMING);
}
