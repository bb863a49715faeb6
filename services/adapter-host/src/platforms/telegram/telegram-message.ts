import type { Message, Update, UserFromGetMe } from 'grammy/types';
import type { IncomingMessage } from '../../platform';

export interface FileRef {
  kind: 'image' | 'voice' | 'file';
  fileId: string;
  fileName: string;
  mimeType: string;
  size?: number;
}

/** The files a message carries, largest photo size only. */
export function filesOf(m: Message): FileRef[] {
  const out: FileRef[] = [];
  if (m.photo?.length) {
    const best = m.photo[m.photo.length - 1]!;
    out.push({ kind: 'image', fileId: best.file_id, fileName: `photo-${best.file_unique_id}.jpg`, mimeType: 'image/jpeg', size: best.file_size });
  }
  if (m.document) {
    const d = m.document;
    out.push({ kind: d.mime_type?.startsWith('image/') ? 'image' : 'file', fileId: d.file_id, fileName: d.file_name ?? 'document', mimeType: d.mime_type ?? 'application/octet-stream', size: d.file_size });
  }
  if (m.voice) out.push({ kind: 'voice', fileId: m.voice.file_id, fileName: 'voice.ogg', mimeType: m.voice.mime_type ?? 'audio/ogg', size: m.voice.file_size });
  if (m.audio) out.push({ kind: 'voice', fileId: m.audio.file_id, fileName: m.audio.file_name ?? 'audio', mimeType: m.audio.mime_type ?? 'audio/mpeg', size: m.audio.file_size });
  return out;
}

function mentions(m: Message, bot: UserFromGetMe): { mentioned: boolean; text: string } {
  const raw = m.text ?? m.caption ?? '';
  const handle = `@${bot.username}`;
  const isReplyToBot = m.reply_to_message?.from?.id === bot.id;
  const mentioned = raw.toLowerCase().includes(handle.toLowerCase()) || isReplyToBot;
  // The bot's own handle is how the user addressed it, not part of what they said.
  const text = raw.replace(new RegExp(`${handle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'gi'), '').trim();
  return { mentioned, text: text || raw.trim() };
}

/**
 * An update as our IncomingMessage, or undefined for what the gateway does not answer (edits,
 * channel posts, service messages, other bots). A forum topic is the thread; a plain group or DM
 * has none (replies in a non-forum group are not threads on Telegram).
 */
export function toIncoming(update: Update, bot: UserFromGetMe): (Omit<IncomingMessage, 'files'> & { fileRefs: FileRef[] }) | undefined {
  const m = update.message;
  if (!m || !m.from || m.from.is_bot) return undefined;
  const fileRefs = filesOf(m);
  if (m.text === undefined && m.caption === undefined && !fileRefs.length) return undefined;
  const isGroup = m.chat.type !== 'private';
  const { mentioned, text } = mentions(m, bot);
  const name = [m.from.first_name, m.from.last_name].filter(Boolean).join(' ') || m.from.username || String(m.from.id);
  return {
    address: { channelId: String(m.chat.id), threadId: m.is_topic_message && m.message_thread_id !== undefined ? String(m.message_thread_id) : '' },
    eventId: String(update.update_id),
    messageId: String(m.message_id),
    userId: String(m.from.id),
    userName: name,
    text,
    fileRefs,
    isGroup,
    mentionsBot: !isGroup || mentioned,
    sentAtMs: m.date * 1000,
  };
}
