import type { Message } from 'discord.js';
import type { IncomingMessage } from '../../platform';
import type { AttachmentRef } from './download-attachments';

/** A Discord message in our terms, its attachments still to be downloaded. */
export type IncomingDraft = Omit<IncomingMessage, 'files'> & { attachments: AttachmentRef[] };

/**
 * Turns a MESSAGE_CREATE into our terms. A thread's messages belong to the thread (threadId) under
 * its parent channel, so the reply goes back into the thread; a guild channel message has threadId ''.
 * The bot's own mention is cut from the text: the agent should read "what is X", not "<@123> what is X".
 */
export function toIncoming(message: Message, botId: string | undefined): IncomingDraft {
  const inThread = message.channel.isThread();
  const parentId = inThread ? message.channel.parentId : null;
  const mentioned = !!botId && (message.mentions.users.has(botId) || message.mentions.repliedUser?.id === botId);
  const text = botId ? message.content.replace(new RegExp(`<@!?${botId}>`, 'g'), '').trim() : message.content;
  return {
    // A thread whose parent discord.js does not know (an uncached partial) is its own channel.
    address: { channelId: inThread ? (parentId ?? message.channelId) : message.channelId, threadId: inThread ? message.channelId : '' },
    eventId: message.id,
    messageId: message.id,
    userId: message.author.id,
    userName: message.author.globalName ?? message.author.username,
    text,
    isGroup: message.inGuild(),
    // A DM is always addressed to the bot.
    mentionsBot: !message.inGuild() || mentioned,
    sentAtMs: message.createdTimestamp,
    attachments: [...message.attachments.values()].map((a) => ({ url: a.url, fileName: a.name, sizeBytes: a.size, contentType: a.contentType })),
  };
}
