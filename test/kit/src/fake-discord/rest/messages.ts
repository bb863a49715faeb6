import type { APIAttachment, APIEmbed, APIMessage } from 'discord-api-types/v10';
import { attachmentOf, buildMessage, gatewayForm, messageForIntents } from '../build-message';
import { botUser, FAKE_DISCORD_IDS } from '../fixtures';
import { hasIntent, INTENTS } from '../intents';
import { isGuildChannel, type StoredChannel } from '../state';
import type { SentAttachment } from '../types';
import type { UploadedFile } from './body';
import { objectBody, requireChannel, type RestContext, type RestRequest, type RestResult } from './context';
import { emptyMessage, fieldError, invalidFormBody, notAuthor, unknownMessage } from './errors';

const MAX_CONTENT = 2000;
const MAX_NONCE = 25;
// Only these two may be set by a bot on create (the rest are Discord's own).
const SETTABLE_FLAGS = (1 << 2) | (1 << 12);

// Discord counts characters, not UTF-16 units; an emoji is one.
const lengthOf = (s: string) => [...s].length;

type Errors = Parameters<typeof invalidFormBody>[0];

function contentErrors(content: string, errors: Errors): void {
  if (lengthOf(content) > MAX_CONTENT) errors.content = fieldError('BASE_TYPE_MAX_LENGTH', `Must be ${MAX_CONTENT} or fewer in length.`);
}

function referencedMessage(ctx: RestContext, body: Record<string, unknown>, errors: Errors): APIMessage | undefined {
  const ref = body.message_reference as { message_id?: unknown; fail_if_not_exists?: unknown } | undefined;
  if (!ref || typeof ref !== 'object' || ref.message_id === undefined) return undefined;
  const found = ctx.state.message(String(ref.message_id));
  if (!found && ref.fail_if_not_exists !== false) {
    errors.message_reference = fieldError('MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
  }
  return found;
}

function nonceOf(body: Record<string, unknown>, errors: Errors): string | number | undefined {
  const nonce = body.nonce;
  if (typeof nonce === 'string') {
    if (nonce.length > MAX_NONCE) errors.nonce = fieldError('BASE_TYPE_MAX_LENGTH', `Must be ${MAX_NONCE} or fewer in length.`);
    return nonce;
  }
  return typeof nonce === 'number' ? nonce : undefined;
}

/** `files[n]` pairs with payload_json `attachments[{ id: n, filename?, description? }]`. */
function attachmentsOf(ctx: RestContext, channelId: string, files: UploadedFile[], body: Record<string, unknown>): Array<{ sent: SentAttachment; api: APIAttachment }> {
  const metas = Array.isArray(body.attachments) ? (body.attachments as Array<{ id?: unknown; filename?: unknown; description?: unknown }>) : [];
  return files.map((file, i) => {
    const index = /\[(\d+)\]$/.exec(file.field)?.[1] ?? String(i);
    const meta = metas.find((m) => String(m.id) === index);
    const filename = typeof meta?.filename === 'string' ? meta.filename : file.filename;
    const description = typeof meta?.description === 'string' ? meta.description : undefined;
    const att = attachmentOf(ctx.state, ctx.baseUrl(), channelId, { filename, bytes: file.bytes, contentType: file.contentType, description });
    const sent = { id: att.id, filename, contentType: file.contentType, size: file.bytes.length, bytes: file.bytes, url: att.url, description };
    return { sent, api: att };
  });
}

function echo(ctx: RestContext, t: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE', message: APIMessage, channel: StoredChannel): void {
  if (!ctx.echoSentMessages) return;
  const form = gatewayForm(message, channel);
  ctx.broadcast(t, (intents) => messageForIntents(form, intents));
}

export function createMessage(ctx: RestContext, req: RestRequest): RestResult {
  const channel = requireChannel(ctx, req.params.channel);
  const body = objectBody(req.body);
  const content = typeof body.content === 'string' ? body.content : '';
  const embeds = Array.isArray(body.embeds) ? (body.embeds as APIEmbed[]) : [];
  const errors: Errors = {};
  contentErrors(content, errors);
  const nonce = nonceOf(body, errors);
  const reference = referencedMessage(ctx, body, errors);
  if (Object.keys(errors).length > 0) throw invalidFormBody(errors);
  const hasStickers = Array.isArray(body.sticker_ids) && body.sticker_ids.length > 0;
  if (content === '' && req.body.files.length === 0 && embeds.length === 0 && !hasStickers && !body.poll) throw emptyMessage();
  const enforceNonce = body.enforce_nonce === true;
  if (enforceNonce && nonce !== undefined) {
    const earlier = ctx.state.nonceHit(channel.id, nonce, ctx.nonceWindowMs);
    if (earlier) return { status: 200, body: earlier };
  }
  const attachments = attachmentsOf(ctx, channel.id, req.body.files, body);
  const flags = typeof body.flags === 'number' ? body.flags & SETTABLE_FLAGS : 0;
  const message = buildMessage(ctx.state, {
    channel,
    author: botUser(),
    content,
    attachments: attachments.map((a) => a.api),
    reference,
    embeds,
    nonce,
    flags,
  });
  ctx.state.saveMessage(message);
  if (nonce !== undefined) ctx.state.rememberNonce(channel.id, nonce, message.id);
  ctx.records.sentMessage({
    id: message.id,
    channelId: channel.id,
    content,
    messageReference: body.message_reference as Record<string, unknown> | undefined,
    attachments: attachments.map((a) => a.sent),
    embeds,
    nonce,
    enforceNonce,
    flags,
    at: ctx.state.now(),
    edits: [],
    message,
  });
  echo(ctx, 'MESSAGE_CREATE', message, channel);
  return { status: 200, body: message };
}

function messageIn(ctx: RestContext, req: RestRequest): { channel: StoredChannel; message: APIMessage } {
  const channel = requireChannel(ctx, req.params.channel);
  const message = ctx.state.message(req.params.message ?? '');
  if (!message || message.channel_id !== channel.id) throw unknownMessage();
  return { channel, message };
}

export function getMessage(ctx: RestContext, req: RestRequest): RestResult {
  return { status: 200, body: messageIn(ctx, req).message };
}

export function listMessages(ctx: RestContext, req: RestRequest): RestResult {
  const channel = requireChannel(ctx, req.params.channel);
  const limit = Math.min(100, Math.max(1, Number(req.query.limit ?? 50) || 50));
  const all = ctx.state.messagesIn(channel.id);
  // As Discord: newest first; with `after`, the oldest `limit` messages after that id.
  if (typeof req.query.after !== 'string') return { status: 200, body: all.slice(0, limit) };
  const after = BigInt(req.query.after);
  const newer = all.filter((m) => BigInt(m.id) > after);
  return { status: 200, body: newer.slice(Math.max(0, newer.length - limit)) };
}

export function editMessage(ctx: RestContext, req: RestRequest): RestResult {
  const { channel, message } = messageIn(ctx, req);
  if (message.author.id !== FAKE_DISCORD_IDS.bot) throw notAuthor();
  const body = objectBody(req.body);
  const errors: Errors = {};
  if (typeof body.content === 'string') contentErrors(body.content, errors);
  if (Object.keys(errors).length > 0) throw invalidFormBody(errors);
  const edited: APIMessage = { ...message, edited_timestamp: ctx.state.timestamp() };
  if (typeof body.content === 'string') edited.content = body.content;
  if (Array.isArray(body.embeds)) edited.embeds = body.embeds as APIEmbed[];
  ctx.state.saveMessage(edited);
  ctx.records.sentById(message.id)?.edits.push({ content: edited.content, at: ctx.state.now() });
  echo(ctx, 'MESSAGE_UPDATE', edited, channel);
  return { status: 200, body: edited };
}

export function deleteMessage(ctx: RestContext, req: RestRequest): RestResult {
  const { channel, message } = messageIn(ctx, req);
  ctx.state.deleteMessage(message.id);
  const sent = ctx.records.sentById(message.id);
  if (sent) sent.deletedAt = ctx.state.now();
  const d = isGuildChannel(channel) ? { id: message.id, channel_id: channel.id, guild_id: FAKE_DISCORD_IDS.guild } : { id: message.id, channel_id: channel.id };
  const bit = isGuildChannel(channel) ? INTENTS.guildMessages : INTENTS.directMessages;
  ctx.broadcast('MESSAGE_DELETE', (intents) => (hasIntent(intents, bit) ? d : undefined));
  return { status: 204 };
}

/** PUT and DELETE of /reactions/:emoji/@me: recorded in calls, answered 204. */
export function react(ctx: RestContext, req: RestRequest): RestResult {
  messageIn(ctx, req);
  return { status: 204 };
}
