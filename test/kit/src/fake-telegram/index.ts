export { FakeTelegram, startFakeTelegram, type FakeTelegramOptions, type WaitForOptions } from './fake-telegram';
export { FAKE_TELEGRAM_IDS } from './state';
export { MAX_TEXT_LENGTH, MAX_CAPTION_LENGTH } from './formatted-text';
export { parseMarkdownV2, MarkupError } from './markdown-v2';
export type {
  BotInfo,
  BotUser,
  CallOutcome,
  Chat,
  ChatAction,
  ChatKind,
  EditedMessage,
  Failure,
  InjectMessage,
  Message,
  MessageEntity,
  RecordedCall,
  SentFile,
  SentMessage,
  ServedUpdate,
  Update,
  Upload,
} from './types';
