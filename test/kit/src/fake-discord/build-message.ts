// Message objects in the shapes Discord uses: the REST form (no guild_id/member) and the gateway
// MESSAGE_CREATE form (guild_id + member in guilds, channel_type 1 in DMs, which discord.js needs to
// build a partial DM channel; fake-platforms.md §2.3).
import type { APIAttachment, APIMessage, APIUser, GatewayMessageCreateDispatchData } from 'discord-api-types/v10';
import { FAKE_DISCORD_IDS, memberStub } from './fixtures';
import { hasIntent, INTENTS } from './intents';
import { isGuildChannel, type DiscordState, type StoredChannel } from './state';
import type { UserSpec } from './types';

const DEFAULT = 0 as APIMessage['type'];
const REPLY = 19 as APIMessage['type'];
const DM_TYPE = 1 as NonNullable<GatewayMessageCreateDispatchData['channel_type']>;
const MENTION = /<@!?(\d{15,21})>/g;

export interface FileInput {
  filename: string;
  bytes: Buffer;
  contentType: string;
  description?: string;
}

export interface MessageDraft {
  channel: StoredChannel;
  author: APIUser;
  content: string;
  attachments: APIAttachment[];
  extraMentions?: UserSpec[];
  /** The message replied to; makes it type 19 with message_reference and referenced_message. */
  reference?: APIMessage;
  embeds?: APIMessage['embeds'];
  nonce?: string | number;
  flags?: number;
}

/** Stores the bytes where the attachment's url points (the fake serves them like Discord's CDN). */
export function attachmentOf(state: DiscordState, baseUrl: string, channelId: string, file: FileInput): APIAttachment {
  const id = state.snowflake();
  const path = `/attachments/${channelId}/${id}/${encodeURIComponent(file.filename)}`;
  state.saveFile(path, { bytes: file.bytes, contentType: file.contentType });
  const attachment: APIAttachment = {
    id,
    filename: file.filename,
    size: file.bytes.length,
    url: `${baseUrl}${path}`,
    proxy_url: `${baseUrl}${path}`,
    content_type: file.contentType,
  };
  if (file.description !== undefined) attachment.description = file.description;
  return attachment;
}

/** Users written as <@id> in the content that the fake knows, then the explicit ones. */
function mentionsOf(state: DiscordState, content: string, extra: UserSpec[] = []): APIUser[] {
  const users = new Map<string, APIUser>();
  for (const m of content.matchAll(MENTION)) {
    const user = state.knownUser(m[1]);
    if (user) users.set(user.id, user);
  }
  for (const spec of extra) {
    const user = state.user(spec);
    users.set(user.id, user);
  }
  return [...users.values()];
}

function referenceOf(reference: APIMessage, channel: StoredChannel): APIMessage['message_reference'] {
  const ref: NonNullable<APIMessage['message_reference']> = { type: 0, channel_id: reference.channel_id, message_id: reference.id };
  if (isGuildChannel(channel)) ref.guild_id = FAKE_DISCORD_IDS.guild;
  return ref;
}

export function buildMessage(state: DiscordState, draft: MessageDraft): APIMessage {
  const message: APIMessage = {
    id: state.snowflake(),
    type: draft.reference ? REPLY : DEFAULT,
    channel_id: draft.channel.id,
    author: draft.author,
    content: draft.content,
    timestamp: state.timestamp(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: /@(everyone|here)\b/.test(draft.content),
    mentions: mentionsOf(state, draft.content, draft.extraMentions),
    mention_roles: [],
    attachments: draft.attachments,
    embeds: draft.embeds ?? [],
    pinned: false,
    flags: draft.flags ?? 0,
    components: [],
  };
  if (draft.nonce !== undefined) message.nonce = draft.nonce;
  if (draft.reference) {
    message.message_reference = referenceOf(draft.reference, draft.channel);
    message.referenced_message = { ...draft.reference, referenced_message: undefined };
  }
  return message;
}

/** The MESSAGE_CREATE (or MESSAGE_UPDATE) payload for a stored message. */
export function gatewayForm(message: APIMessage, channel: StoredChannel): GatewayMessageCreateDispatchData {
  if (!isGuildChannel(channel)) return { ...message, channel_type: DM_TYPE };
  return { ...message, guild_id: FAKE_DISCORD_IDS.guild, member: memberStub() };
}

/**
 * What a session with these intents receives: nothing without GuildMessages/DirectMessages, and blank
 * content without MessageContent, except in DMs, when the bot is mentioned, or for the bot's own messages.
 */
export function messageForIntents(message: GatewayMessageCreateDispatchData, intents: number): GatewayMessageCreateDispatchData | undefined {
  const isDm = message.guild_id === undefined;
  if (!hasIntent(intents, isDm ? INTENTS.directMessages : INTENTS.guildMessages)) return undefined;
  const bot = FAKE_DISCORD_IDS.bot;
  if (hasIntent(intents, INTENTS.messageContent) || isDm || message.author.id === bot || message.mentions.some((u) => u.id === bot)) return message;
  return { ...message, content: '', embeds: [], attachments: [], components: [] };
}
