// Bot API objects as the fake builds them, and the records it keeps. Field names follow the Bot API
// (snake_case) so a test can compare them with what grammY sends and receives.

export interface BotUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** What getMe answers; grammY's `UserFromGetMe` wants every flag present. */
export interface BotInfo extends BotUser {
  is_bot: true;
  username: string;
  can_join_groups: boolean;
  can_read_all_group_messages: boolean;
  supports_inline_queries: boolean;
  can_connect_to_business: boolean;
  has_main_web_app: boolean;
  has_topics_enabled: boolean;
  allows_users_to_create_topics: boolean;
  can_manage_bots: boolean;
  supports_join_request_queries: boolean;
}

export type ChatType = 'private' | 'group' | 'supergroup' | 'channel';

export interface Chat {
  id: number;
  type: ChatType;
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
  is_forum?: true;
}

export interface MessageEntity {
  type: string;
  /** UTF-16 code units, as everywhere in the Bot API. */
  offset: number;
  length: number;
  url?: string;
  user?: BotUser;
  language?: string;
  custom_emoji_id?: string;
}

export interface PhotoSize {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size: number;
}

export interface Document {
  file_id: string;
  file_unique_id: string;
  file_name?: string;
  mime_type?: string;
  file_size: number;
}

export interface Voice {
  file_id: string;
  file_unique_id: string;
  duration: number;
  mime_type?: string;
  file_size: number;
}

export interface Message {
  message_id: number;
  date: number;
  chat: Chat;
  from?: BotUser;
  message_thread_id?: number;
  is_topic_message?: true;
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  caption_entities?: MessageEntity[];
  photo?: PhotoSize[];
  document?: Document;
  voice?: Voice;
  reply_to_message?: Message;
  edit_date?: number;
  /** The service message that opens a forum topic; its message_id is the topic's message_thread_id. */
  forum_topic_created?: { name: string; icon_color: number };
  link_preview_options?: Record<string, unknown>;
}

/** One update as getUpdates delivers it; any other update kind can be injected raw. */
export interface Update {
  update_id: number;
  message?: Message;
  [kind: string]: unknown;
}

/** A file part of a multipart request. */
export interface UploadedFile {
  /** The part name: grammY uses a random id and points at it with `attach://<id>`. */
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

/**
 * - `pending`: being processed (a held long poll, too);
 * - `held`: waiting for release() (holdNext);
 * - `stalled`: a getUpdates taken in by stallPolls(true), never answered;
 * - `ok` / `error`: answered with that envelope;
 * - `dropped`: the client got no answer (it went away, or failNext dropped the socket).
 */
export type CallOutcome = 'pending' | 'held' | 'stalled' | 'ok' | 'error' | 'dropped';

export interface RecordedCall {
  /** As the client spelled it in the URL (Telegram matches method names case-insensitively). */
  method: string;
  /** Query string and body merged: a JSON body as sent, form fields as strings (Telegram reads them by type). */
  params: Record<string, unknown>;
  /** The file parts of a multipart body; their bytes are in `uploads`. */
  files: Array<{ field: string; filename: string; contentType: string; size: number }>;
  /** Arrival time, ms since the epoch (from the fake's clock). */
  at: number;
  outcome: CallOutcome;
  /** HTTP status of the answer, once answered. */
  status?: number;
  description?: string;
}

/** A file in a message the bot sent: uploaded bytes, or a file_id/URL it referred to. */
export interface SentFile {
  file_id: string;
  file_name?: string;
  mime_type?: string;
  /** Undefined when the bot sent a URL instead of bytes or a known file_id. */
  bytes?: Buffer;
  url?: string;
}

/** One message the bot posted (sendMessage, sendDocument, sendPhoto, sendVoice). */
export interface SentMessage {
  method: string;
  chat_id: number;
  message_id: number;
  message_thread_id?: number;
  /** The visible text (for media: the caption) after entity parsing and trimming. */
  text?: string;
  /** The text or caption exactly as the bot sent it. */
  raw_text?: string;
  entities?: MessageEntity[];
  parse_mode?: string;
  reply_parameters?: Record<string, unknown>;
  /** The message replied to: `reply_parameters.message_id`, or the legacy `reply_to_message_id`. */
  reply_to_message_id?: number;
  link_preview_options?: Record<string, unknown>;
  document?: SentFile;
  photo?: SentFile;
  voice?: SentFile;
  /** The Message object the fake answered with. */
  message: Message;
  at: number;
}

/** One successful editMessageText. */
export interface EditedMessage {
  chat_id: number;
  message_id: number;
  text: string;
  raw_text: string;
  entities?: MessageEntity[];
  parse_mode?: string;
  at: number;
}

export interface ChatAction {
  chat_id: number;
  action: string;
  message_thread_id?: number;
  at: number;
}

/** A file the bot uploaded in a multipart request. */
export interface Upload extends UploadedFile {
  method: string;
  /** The file_id the fake gave it; getFile and the download route serve it. */
  file_id: string;
  at: number;
}

/** One update handed to a poll (each time it was served). */
export interface ServedUpdate {
  updateId: number;
  chatId?: number;
  text?: string;
  /** When the poll's answer was written, ms since the epoch (the fake's clock). */
  servedAt: number;
}

/** The three chats every fake knows from the start (see FAKE_TELEGRAM_IDS). */
export type ChatKind = 'dm' | 'group' | 'topic';

export interface InjectMessage {
  /** Default `dm`: a private chat with the sender; `group`: a supergroup; `topic`: a topic of a forum supergroup. */
  chat?: ChatKind;
  /** Another chat of that kind; it becomes known to the fake (sendMessage to it then works). */
  chatId?: number;
  /** For `topic`: another topic of the forum (created on first use). */
  threadId?: number;
  text?: string;
  caption?: string;
  /** Entities of `text` (or `caption`); by default the fake finds commands, mentions, hashtags and URLs, as Telegram does. */
  entities?: MessageEntity[];
  /** Default: user 42, "Alice", @alice. */
  from?: { id: number; username?: string; first_name?: string; last_name?: string; is_bot?: boolean };
  photo?: Buffer;
  document?: { data: Buffer; fileName: string; mimeType: string };
  voice?: { data: Buffer; mimeType?: string; duration?: number };
  /** Reply to the bot's newest message in this chat (and topic); one is made up when the bot has sent none. */
  replyToBot?: boolean;
  /** Reply to this message of the chat (injected or sent by the bot). */
  replyToMessageId?: number;
  /** Prefix the text (or caption) with `@<botUsername> ` and its mention entity. */
  mentionBot?: boolean;
  /** Unix seconds; default: the fake's clock. */
  date?: number;
}

/**
 * What failNext() makes the next matching calls do instead of their work:
 * - answer an error envelope with this status (429 gets `parameters.retry_after`, default 1 s);
 *   `rawBody` answers that text as text/html instead, like a proxy in front of the Bot API;
 * - `drop: 'before'`: destroy the socket without processing the call;
 * - `drop: 'after'`: process it (a message is posted), then destroy the socket so the answer is lost.
 */
export type Failure =
  | { status: number; retryAfter?: number; description?: string; migrateToChatId?: number; rawBody?: string }
  | { drop: 'before' | 'after' };
