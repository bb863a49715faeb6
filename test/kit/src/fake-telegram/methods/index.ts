import type { MethodHandler } from './context';
import { getFile, sendDocument, sendPhoto, sendVoice } from './media';
import { deleteMessage, editMessageText, sendChatAction, sendMessage } from './messages';
import { deleteWebhook, getMe, getUpdates, getWebhookInfo, setWebhook } from './polling';

export { NO_ANSWER, type MethodContext, type MethodHandler } from './context';

const accept: MethodHandler = () => true;

// Keyed lowercase: Telegram matches method names case-insensitively.
export const METHODS: ReadonlyMap<string, MethodHandler> = new Map(
  Object.entries({
    getMe, getUpdates, deleteWebhook, setWebhook, getWebhookInfo,
    sendMessage, editMessageText, deleteMessage, sendChatAction,
    sendDocument, sendPhoto, sendVoice, getFile,
    // Accepted and recorded only: bots call them at start-up, and nothing in a test depends on their effect.
    setMyCommands: accept, deleteMyCommands: accept, setMyDescription: accept,
  }).map(([name, handler]) => [name.toLowerCase(), handler]),
);
