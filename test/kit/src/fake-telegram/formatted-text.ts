// A message's text as Telegram stores it: markup parsed (or given entities checked), whitespace
// trimmed, then measured. Every limit is in UTF-16 code units, as the Bot API counts: an emoji
// outside the BMP counts 2, so an adapter that chunks by code points fails here as it fails live.
import { badRequest, BotApiError } from './envelope';
import { MarkupError, parseMarkdownV2, sortEntities } from './markdown-v2';
import type { MessageEntity } from './types';

export const MAX_TEXT_LENGTH = 4096;
export const MAX_CAPTION_LENGTH = 1024;

export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

// Types a bot may send. Telegram finds mention, hashtag, url … by itself; given ones are accepted
// (and kept here as given, which is what Telegram's detection gives back for well-formed ones).
const FORMATTING_TYPES = new Set([
  'bold', 'italic', 'underline', 'strikethrough', 'spoiler', 'code', 'pre', 'text_link', 'text_mention',
  'custom_emoji', 'blockquote', 'expandable_blockquote', 'date_time',
]);
const DETECTED_TYPES = new Set(['mention', 'hashtag', 'cashtag', 'bot_command', 'url', 'email', 'phone_number']);

// Each kind's required extra field, with Telegram's message when it is missing.
const REQUIRED_FIELD: Record<string, string> = { text_link: 'url', text_mention: 'user', custom_emoji: 'custom_emoji_id', date_time: 'unix_time' };

function entityError(reason: string): BotApiError {
  return badRequest(`can't parse MessageEntity: ${reason}`);
}

function checkEntity(value: unknown, textLength: number): MessageEntity | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw entityError('expected an Object');
  const e = value as Record<string, unknown>;
  if (typeof e.type !== 'string') throw entityError('Can\'t find field "type"');
  if (!FORMATTING_TYPES.has(e.type) && !DETECTED_TYPES.has(e.type)) throw entityError('Unsupported type specified');
  for (const field of ['offset', 'length'] as const) {
    if (!Number.isInteger(e[field])) throw entityError(`Field "${field}" must be of type Number`);
  }
  const field = REQUIRED_FIELD[e.type];
  if (field !== undefined && e[field] === undefined) throw entityError(`Can't find field "${field}"`);
  const offset = e.offset as number;
  const length = e.length as number;
  if (length === 0) return undefined;
  // Telegram clips an entity that runs past the text and drops one that starts after it. The fake
  // refuses both instead: an entity outside the text is always an offset bug in the sender (counting
  // code points or bytes instead of UTF-16 units), and a silently clipped one would hide it.
  if (offset < 0 || length < 0 || offset + length > textLength) {
    throw badRequest(`can't parse entities: entity ${e.type} at offset ${offset} with length ${length} is outside the text of ${textLength} UTF-16 code units`);
  }
  return { ...(e as unknown as MessageEntity) };
}

function checkEntities(value: unknown, textLength: number): MessageEntity[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest("can't parse entities JSON object");
  return value.map((e) => checkEntity(e, textLength)).filter((e): e is MessageEntity => e !== undefined);
}

const SPACE = /[ \t\r\n\v\f]/;

/** Trims whitespace at both ends as Telegram does, moving and clipping the entities with the text. */
function trim({ text, entities }: FormattedText): FormattedText {
  let start = 0;
  let end = text.length;
  while (start < end && SPACE.test(text[start])) start++;
  while (end > start && SPACE.test(text[end - 1])) end--;
  if (start === 0 && end === text.length) return { text, entities };
  const kept: MessageEntity[] = [];
  for (const e of entities) {
    const from = Math.max(e.offset, start);
    const to = Math.min(e.offset + e.length, end);
    if (to > from) kept.push({ ...e, offset: from - start, length: to - from });
  }
  return { text: text.slice(start, end), entities: kept };
}

function parse(text: string, parseMode: string | undefined, entities: unknown): FormattedText {
  const mode = parseMode?.toLowerCase() ?? '';
  if (text === '' || mode === '' || mode === 'none') return { text, entities: sortEntities(checkEntities(entities, text.length)) };
  if (mode === 'markdownv2') {
    try {
      return parseMarkdownV2(text);
    } catch (err) {
      if (err instanceof MarkupError) throw badRequest(`can't parse entities: ${err.message}`);
      throw err;
    }
  }
  if (mode === 'html' || mode === 'markdown') {
    // Not a Telegram answer on purpose (and not a 400, which an adapter would take for its own
    // formatting error): a test that needs these modes should fail loudly until they exist.
    throw new BotApiError(501, `Not Implemented: fake-telegram parses only parse_mode MarkdownV2 (or entities), not ${parseMode}`);
  }
  throw badRequest('unsupported parse_mode');
}

export interface TextRules {
  /** The limit, and Telegram's words when it is passed. */
  maxLength: number;
  tooLong: string;
  /** Telegram's words when nothing visible is left; undefined when empty is allowed (a caption). */
  empty?: string;
}

export const MESSAGE_TEXT: TextRules = { maxLength: MAX_TEXT_LENGTH, tooLong: 'message is too long', empty: 'message text is empty' };
export const CAPTION: TextRules = { maxLength: MAX_CAPTION_LENGTH, tooLong: 'message caption is too long' };

/** The text Telegram would store, or the BotApiError it answers. */
export function formatText(raw: string, parseMode: string | undefined, entities: unknown, rules: TextRules): FormattedText {
  const result = trim(parse(raw, parseMode, entities));
  if (result.text.length === 0 && rules.empty !== undefined) throw badRequest(rules.empty);
  if (result.text.length > rules.maxLength) throw badRequest(rules.tooLong);
  return result;
}
