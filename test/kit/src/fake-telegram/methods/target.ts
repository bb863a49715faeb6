// Where a send goes: the chat, the thread and the message replied to, refused in Telegram's words.
import { badRequest } from '../envelope';
import { withoutReply } from '../inject';
import type { Chat, Message } from '../types';
import type { MethodContext } from './context';

export interface Target {
  chat: Chat;
  threadId?: number;
  replyTo?: Message;
  replyParameters?: Record<string, unknown>;
}

function replyOf(ctx: MethodContext, chat: Chat): Pick<Target, 'replyTo' | 'replyParameters'> {
  const { params, state } = ctx;
  // reply_parameters is current; reply_to_message_id (+ allow_sending_without_reply) is the legacy form.
  const given = params.object('reply_parameters');
  const legacyId = params.int('reply_to_message_id');
  if (!given && legacyId === undefined) return {};
  const messageId = given ? given.message_id : legacyId;
  if (typeof messageId !== 'number' || !Number.isInteger(messageId)) throw badRequest('message to be replied not found');
  const allowMissing = given ? given.allow_sending_without_reply === true : params.bool('allow_sending_without_reply');
  const inChat = typeof given?.chat_id === 'number' ? given.chat_id : chat.id;
  const replyTo = state.message(inChat, messageId);
  if (!replyTo && !allowMissing) throw badRequest('message to be replied not found');
  return { ...(replyTo ? { replyTo } : {}), replyParameters: given ?? { message_id: messageId } };
}

export function resolveTarget(ctx: MethodContext): Target {
  const chat = ctx.state.findChat(ctx.params.chatRef());
  if (!chat) throw badRequest('chat not found');
  const threadId = ctx.params.int('message_thread_id');
  if (threadId !== undefined && !ctx.state.hasThread(chat.id, threadId)) throw badRequest('message thread not found');
  return { chat, ...(threadId !== undefined ? { threadId } : {}), ...replyOf(ctx, chat) };
}

/** The bot's new message in the target, saved in its chat; `fields` carry the content. */
export function postMessage(ctx: MethodContext, target: Target, fields: Partial<Message>): Message {
  const { state, bot } = ctx;
  const { chat, threadId, replyTo } = target;
  const inTopic = threadId !== undefined && chat.is_forum === true;
  // As for users' messages, a topic message without a reply of its own replies to the topic's first message.
  const repliesTo = replyTo ?? (inTopic ? state.message(chat.id, threadId) : undefined);
  const message: Message = {
    message_id: state.nextMessageId(chat.id),
    date: Math.floor(ctx.now() / 1000),
    chat,
    from: { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username },
    ...(threadId !== undefined ? { message_thread_id: threadId } : {}),
    ...(inTopic ? { is_topic_message: true as const } : {}),
    ...(repliesTo ? { reply_to_message: withoutReply(repliesTo) } : {}),
    ...fields,
  };
  state.saveMessage(message, bot.id);
  return message;
}
