import { sortEntities } from './markdown-v2';
import type { MessageEntity } from './types';

// A rough cut of the entities Telegram finds in a user's text by itself (tdlib find_entities):
// enough for commands, @mentions, hashtags and links to arrive as they do live. JS string
// indexes are UTF-16 units, which is what the offsets are measured in.
const PATTERNS: Array<[type: string, re: RegExp]> = [
  ['url', /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'"]/g],
  ['bot_command', /(?<![\w/])\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])/g],
  ['mention', /(?<![\w@])@[A-Za-z0-9_]{5,32}(?!\w)/g],
  ['hashtag', /(?<![\w#])#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*/gu],
];

export function detectEntities(text: string): MessageEntity[] {
  const found: MessageEntity[] = [];
  for (const [type, re] of PATTERNS) {
    for (const m of text.matchAll(re)) {
      const offset = m.index ?? 0;
      // Earlier patterns win: an @name inside a URL or a command's @bot suffix is not a mention.
      if (found.some((e) => offset < e.offset + e.length && e.offset < offset + m[0].length)) continue;
      found.push({ type, offset, length: m[0].length });
    }
  }
  return sortEntities(found);
}
