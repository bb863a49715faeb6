import { BoundedMap } from './bounded';
import type { BotUser, Chat, Message } from './types';
import { UpdateQueue } from './update-queue';

/** The ids of what every fake knows from the start, so tests can name them. */
export const FAKE_TELEGRAM_IDS = {
  /** The bot's user id when the token does not start with one (`<id>:<secret>`). */
  botId: 999,
  /** Alice, the default sender. */
  userId: 42,
  /** A private chat's id is the user's id. */
  dmChatId: 42,
  /** A supergroup without topics. */
  groupChatId: -1001111111111,
  /** A forum supergroup (`is_forum`), with one topic. */
  forumChatId: -1001234567890,
  /** The forum's topic: the message_thread_id of its messages. */
  topicThreadId: 5,
} as const;

export const DEFAULT_USER: BotUser = { id: FAKE_TELEGRAM_IDS.userId, is_bot: false, first_name: 'Alice', username: 'alice', language_code: 'en' };

export type FileKind = 'photo' | 'document' | 'voice';

export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  file_size: number;
  mime_type?: string;
  file_name?: string;
  bytes: Buffer;
}

interface ChatState {
  chat: Chat;
  /** Forum topics, by message_thread_id (the id of the message that created the topic). */
  topics: Set<number>;
  lastMessageId: number;
}

// Real file ids start with a prefix per file type; an adapter that sniffs them sees familiar ones.
const FILE_ID_PREFIX: Record<FileKind, string> = { photo: 'AgAC', document: 'BQAC', voice: 'AwAC' };

function extensionOf(name: string | undefined): string {
  const m = /\.[A-Za-z0-9]{1,8}$/.exec(name ?? '');
  return m ? m[0].toLowerCase() : '';
}

/** Chats, their messages and files: what Telegram's side knows. Records of calls live elsewhere. */
export class TelegramState {
  readonly updates: UpdateQueue;
  webhookUrl = '';
  private readonly chats = new BoundedMap<number, ChatState>();
  // Message ids count per chat, as in Telegram, so they are keyed by chat.
  private readonly messages = new BoundedMap<string, Message>();
  private readonly lastBotMessage = new BoundedMap<string, number>();
  private readonly files = new BoundedMap<string, StoredFile>();
  private readonly filesByPath = new BoundedMap<string, StoredFile>();
  private fileSeq = 0;

  constructor(
    private readonly now: () => number,
    firstUpdateId = 1,
  ) {
    this.updates = new UpdateQueue(firstUpdateId);
    this.ensureChat({ id: FAKE_TELEGRAM_IDS.dmChatId, type: 'private', first_name: DEFAULT_USER.first_name, username: DEFAULT_USER.username });
    this.ensureChat({ id: FAKE_TELEGRAM_IDS.groupChatId, type: 'supergroup', title: 'Fake Group' });
    this.ensureChat({ id: FAKE_TELEGRAM_IDS.forumChatId, type: 'supergroup', title: 'Fake Forum', is_forum: true });
    this.addTopic(FAKE_TELEGRAM_IDS.forumChatId, FAKE_TELEGRAM_IDS.topicThreadId);
  }

  /** A chat by id or by "@username"; undefined is Telegram's "chat not found". */
  findChat(ref: number | string): Chat | undefined {
    if (typeof ref === 'number') return this.chats.get(ref)?.chat;
    const name = ref.replace(/^@/, '').toLowerCase();
    for (const { chat } of this.chats.values()) if (chat.username?.toLowerCase() === name) return chat;
    return undefined;
  }

  ensureChat(chat: Chat): Chat {
    const known = this.chats.get(chat.id);
    if (known) return known.chat;
    this.chats.set(chat.id, { chat, topics: new Set(), lastMessageId: 0 });
    return chat;
  }

  /** Opens a forum topic (once): its id is the id of the service message that created it. */
  topicMessage(chatId: number, threadId: number): Message | undefined {
    this.addTopic(chatId, threadId);
    return this.message(chatId, threadId);
  }

  /** Whether message_thread_id names something in this chat: a topic in a forum, else a message (a reply thread). */
  hasThread(chatId: number, threadId: number): boolean {
    const state = this.chats.get(chatId);
    if (!state) return false;
    return state.chat.is_forum ? state.topics.has(threadId) : state.chat.type !== 'private' && this.messages.has(`${chatId}:${threadId}`);
  }

  nextMessageId(chatId: number): number {
    const state = this.chats.get(chatId);
    if (!state) throw new Error(`fake-telegram: chat ${chatId} is unknown`);
    return ++state.lastMessageId;
  }

  saveMessage(message: Message, botId?: number): void {
    this.messages.set(`${message.chat.id}:${message.message_id}`, message);
    if (botId !== undefined && message.from?.id === botId) {
      this.lastBotMessage.set(`${message.chat.id}:${message.message_thread_id ?? 0}`, message.message_id);
    }
  }

  message(chatId: number, messageId: number): Message | undefined {
    return this.messages.get(`${chatId}:${messageId}`);
  }

  deleteMessage(chatId: number, messageId: number): boolean {
    return this.messages.delete(`${chatId}:${messageId}`);
  }

  /** The bot's newest message in a chat (and topic), for an injected reply to the bot. */
  newestBotMessage(chatId: number, threadId?: number): Message | undefined {
    const id = this.lastBotMessage.get(`${chatId}:${threadId ?? 0}`);
    return id === undefined ? undefined : this.message(chatId, id);
  }

  storeFile(kind: FileKind, bytes: Buffer, meta: { file_name?: string; mime_type?: string } = {}): StoredFile {
    const n = ++this.fileSeq;
    const folder = kind === 'photo' ? 'photos' : kind === 'voice' ? 'voice' : 'documents';
    const ext = kind === 'photo' ? '.jpg' : kind === 'voice' ? '.oga' : extensionOf(meta.file_name);
    const file: StoredFile = {
      file_id: `${FILE_ID_PREFIX[kind]}fake${n}`,
      file_unique_id: `AQADfake${n}`,
      file_path: `${folder}/file_${n}${ext}`,
      file_size: bytes.length,
      bytes,
      ...(meta.file_name !== undefined ? { file_name: meta.file_name } : {}),
      ...(meta.mime_type !== undefined ? { mime_type: meta.mime_type } : {}),
    };
    this.files.set(file.file_id, file);
    this.filesByPath.set(file.file_path, file);
    return file;
  }

  file(fileId: string): StoredFile | undefined {
    return this.files.get(fileId);
  }

  fileAt(path: string): StoredFile | undefined {
    return this.filesByPath.get(path);
  }

  private addTopic(chatId: number, threadId: number): void {
    const state = this.chats.get(chatId);
    if (!state || state.topics.has(threadId)) return;
    state.topics.add(threadId);
    state.lastMessageId = Math.max(state.lastMessageId, threadId);
    // Telegram makes every topic message without an explicit reply a reply to this one.
    this.saveMessage({
      message_id: threadId,
      date: Math.floor(this.now() / 1000),
      chat: state.chat,
      from: DEFAULT_USER,
      message_thread_id: threadId,
      is_topic_message: true,
      forum_topic_created: { name: `Topic ${threadId}`, icon_color: 7322096 },
    });
  }
}
