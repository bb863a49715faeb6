import { badRequest } from '../envelope';
import { formatText, MESSAGE_TEXT } from '../formatted-text';
import type { MessageEntity } from '../types';
import type { MethodContext } from './context';
import { postMessage, resolveTarget } from './target';

const CHAT_ACTIONS = new Set([
  'typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice',
  'upload_document', 'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note',
]);

const withEntities = (entities: MessageEntity[]) => (entities.length > 0 ? { entities } : {});

export function sendMessage(ctx: MethodContext): unknown {
  const { params } = ctx;
  const raw = params.string('text') ?? '';
  const parseMode = params.string('parse_mode');
  // Telegram reads the text before it looks for the chat: a bad text fails even for an unknown chat.
  const { text, entities } = formatText(raw, parseMode, params.json('entities'), MESSAGE_TEXT);
  const target = resolveTarget(ctx);
  const message = postMessage(ctx, target, { text, ...withEntities(entities) });
  const linkPreview = params.object('link_preview_options');
  ctx.records.message({
    method: ctx.method,
    chat_id: target.chat.id,
    message_id: message.message_id,
    ...(target.threadId !== undefined ? { message_thread_id: target.threadId } : {}),
    text,
    raw_text: raw,
    ...withEntities(entities),
    ...(parseMode !== undefined ? { parse_mode: parseMode } : {}),
    ...(target.replyParameters ? { reply_parameters: target.replyParameters, reply_to_message_id: target.replyParameters.message_id as number } : {}),
    ...(linkPreview ? { link_preview_options: linkPreview } : {}),
    message,
    at: ctx.now(),
  });
  return message;
}

export function editMessageText(ctx: MethodContext): unknown {
  const { params, state, bot } = ctx;
  if (params.has('inline_message_id')) throw badRequest('message to edit not found');
  const raw = params.string('text') ?? '';
  const parseMode = params.string('parse_mode');
  const { text, entities } = formatText(raw, parseMode, params.json('entities'), MESSAGE_TEXT);
  const chat = state.findChat(params.chatRef());
  if (!chat) throw badRequest('chat not found');
  const messageId = params.int('message_id');
  if (messageId === undefined) throw badRequest('message identifier is not specified');
  const old = state.message(chat.id, messageId);
  if (!old) throw badRequest('message to edit not found');
  if (old.from?.id !== bot.id) throw badRequest("message can't be edited");
  if (old.text === undefined) throw badRequest('there is no text in the message to edit');
  if (old.text === text && JSON.stringify(old.entities ?? []) === JSON.stringify(entities)) {
    throw badRequest('message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
  }
  const { entities: _old, ...rest } = old;
  const edited = { ...rest, text, ...withEntities(entities), edit_date: Math.floor(ctx.now() / 1000) };
  state.saveMessage(edited, bot.id);
  ctx.records.edit({ chat_id: chat.id, message_id: messageId, text, raw_text: raw, ...withEntities(entities), ...(parseMode !== undefined ? { parse_mode: parseMode } : {}), at: ctx.now() });
  return edited;
}

export function sendChatAction(ctx: MethodContext): unknown {
  const action = ctx.params.string('action') ?? '';
  const target = resolveTarget(ctx);
  if (!CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
  ctx.records.action({ chat_id: target.chat.id, action, ...(target.threadId !== undefined ? { message_thread_id: target.threadId } : {}), at: ctx.now() });
  return true;
}

export function deleteMessage(ctx: MethodContext): unknown {
  const chat = ctx.state.findChat(ctx.params.chatRef());
  if (!chat) throw badRequest('chat not found');
  const messageId = ctx.params.int('message_id');
  if (messageId === undefined || !ctx.state.deleteMessage(chat.id, messageId)) throw badRequest('message to delete not found');
  return true;
}
