// Builds the Message a user's injected message becomes, shaped as Telegram delivers it.
import { detectEntities } from './detect-entities';
import { DEFAULT_USER, FAKE_TELEGRAM_IDS, type TelegramState } from './state';
import type { BotInfo, BotUser, Chat, InjectMessage, Message, MessageEntity, PhotoSize } from './types';

export interface InjectContext {
  state: TelegramState;
  bot: BotInfo;
  now: () => number;
}

function senderOf(from: InjectMessage['from']): BotUser {
  if (!from) return DEFAULT_USER;
  return {
    id: from.id,
    is_bot: from.is_bot ?? false,
    first_name: from.first_name ?? `User ${from.id}`,
    ...(from.last_name !== undefined ? { last_name: from.last_name } : {}),
    ...(from.username !== undefined ? { username: from.username } : {}),
  };
}

function chatOf(spec: InjectMessage, from: BotUser): Chat {
  switch (spec.chat ?? 'dm') {
    case 'dm':
      return { id: spec.chatId ?? from.id, type: 'private', first_name: from.first_name, ...(from.username ? { username: from.username } : {}) };
    case 'group': {
      const id = spec.chatId ?? FAKE_TELEGRAM_IDS.groupChatId;
      return { id, type: 'supergroup', title: id === FAKE_TELEGRAM_IDS.groupChatId ? 'Fake Group' : `Group ${id}` };
    }
    case 'topic': {
      const id = spec.chatId ?? FAKE_TELEGRAM_IDS.forumChatId;
      return { id, type: 'supergroup', title: id === FAKE_TELEGRAM_IDS.forumChatId ? 'Fake Forum' : `Forum ${id}`, is_forum: true };
    }
  }
}

/** The chat as the fake knows it; a test that reuses an id for another kind of chat made a mistake. */
function knownChat(state: TelegramState, wanted: Chat): Chat {
  const chat = state.ensureChat(wanted);
  if (chat.type !== wanted.type || Boolean(chat.is_forum) !== Boolean(wanted.is_forum)) {
    throw new Error(`fake-telegram: chat ${chat.id} is a ${chat.is_forum ? 'forum' : chat.type}; pick another chatId for this kind of chat`);
  }
  return chat;
}

/** Telegram sends two sizes (and more for big pictures); the fake cannot resize, so both are the same bytes. */
function photoSizes(state: TelegramState, bytes: Buffer): PhotoSize[] {
  return [
    { width: 90, height: 90 },
    { width: 800, height: 800 },
  ].map(({ width, height }) => {
    const f = state.storeFile('photo', bytes);
    return { file_id: f.file_id, file_unique_id: f.file_unique_id, width, height, file_size: f.file_size };
  });
}

function media(state: TelegramState, spec: InjectMessage): Partial<Message> {
  const out: Partial<Message> = {};
  if (spec.photo) out.photo = photoSizes(state, spec.photo);
  if (spec.document) {
    const { data, fileName, mimeType } = spec.document;
    const f = state.storeFile('document', data, { file_name: fileName, mime_type: mimeType });
    out.document = { file_id: f.file_id, file_unique_id: f.file_unique_id, file_name: fileName, mime_type: mimeType, file_size: f.file_size };
  }
  if (spec.voice) {
    const mimeType = spec.voice.mimeType ?? 'audio/ogg';
    const f = state.storeFile('voice', spec.voice.data, { mime_type: mimeType });
    out.voice = { file_id: f.file_id, file_unique_id: f.file_unique_id, duration: spec.voice.duration ?? 1, mime_type: mimeType, file_size: f.file_size };
  }
  return out;
}

/** The text (or caption) with `@bot ` in front when the message mentions the bot, and its entities. */
function words(text: string | undefined, spec: InjectMessage, bot: BotInfo): { text?: string; entities?: MessageEntity[] } {
  if (text === undefined && !spec.mentionBot) return {};
  const handle = `@${bot.username}`;
  const full = spec.mentionBot ? (text ? `${handle} ${text}` : handle) : (text ?? '');
  const given = spec.entities?.map((e) => (spec.mentionBot ? { ...e, offset: e.offset + handle.length + 1 } : e));
  const entities = given ? [...(spec.mentionBot ? [{ type: 'mention', offset: 0, length: handle.length }] : []), ...given] : detectEntities(full);
  return entities.length > 0 ? { text: full, entities } : { text: full };
}

/** Telegram nests one level: the replied-to message comes without its own reply_to_message. */
export function withoutReply(message: Message): Message {
  const { reply_to_message: _nested, ...rest } = message;
  return rest;
}

function replyTarget(ctx: InjectContext, spec: InjectMessage, chat: Chat, threadId: number | undefined): Message | undefined {
  const { state } = ctx;
  if (spec.replyToMessageId !== undefined) {
    const target = state.message(chat.id, spec.replyToMessageId);
    if (!target) throw new Error(`fake-telegram: chat ${chat.id} has no message ${spec.replyToMessageId} to reply to`);
    return target;
  }
  if (spec.replyToBot) {
    const newest = state.newestBotMessage(chat.id, threadId);
    if (newest) return newest;
    const madeUp: Message = {
      message_id: state.nextMessageId(chat.id),
      date: Math.floor(ctx.now() / 1000),
      chat,
      from: { id: ctx.bot.id, is_bot: true, first_name: ctx.bot.first_name, username: ctx.bot.username },
      text: 'an earlier message from the bot',
      ...(threadId !== undefined ? { message_thread_id: threadId, is_topic_message: true as const } : {}),
    };
    state.saveMessage(madeUp, ctx.bot.id);
    return madeUp;
  }
  // In a forum, a message with no reply of its own replies to the topic's creation message.
  return threadId !== undefined ? state.topicMessage(chat.id, threadId) : undefined;
}

/** The message of an injected update; it is also saved in its chat so the bot can reply to it. */
export function buildInjectedMessage(ctx: InjectContext, spec: InjectMessage): Message {
  const from = senderOf(spec.from);
  const chat = knownChat(ctx.state, chatOf(spec, from));
  const threadId = chat.is_forum ? (spec.threadId ?? FAKE_TELEGRAM_IDS.topicThreadId) : undefined;
  if (threadId !== undefined) ctx.state.topicMessage(chat.id, threadId);
  const replyTo = replyTarget(ctx, spec, chat, threadId);
  // A message with a file carries a caption, any other one a text; either name is accepted.
  const hasFile = Boolean(spec.photo ?? spec.document ?? spec.voice);
  const said = words(hasFile ? (spec.caption ?? spec.text) : (spec.text ?? spec.caption), spec, ctx.bot);
  const message: Message = {
    message_id: ctx.state.nextMessageId(chat.id),
    date: spec.date ?? Math.floor(ctx.now() / 1000),
    chat,
    from,
    ...(threadId !== undefined ? { message_thread_id: threadId, is_topic_message: true as const } : {}),
    ...(replyTo ? { reply_to_message: withoutReply(replyTo) } : {}),
    ...(said.text === undefined ? {} : hasFile ? { caption: said.text, ...(said.entities ? { caption_entities: said.entities } : {}) } : said),
    ...media(ctx.state, spec),
  };
  ctx.state.saveMessage(message);
  return message;
}
