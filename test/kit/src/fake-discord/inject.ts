import type { APIUser, GatewayMessageCreateDispatchData } from 'discord-api-types/v10';
import { attachmentOf, buildMessage, gatewayForm, messageForIntents } from './build-message';
import { FAKE_DISCORD_IDS } from './fixtures';
import type { Broadcast } from './gateway/session-store';
import { contentTypeOf, type DiscordState, type StoredChannel } from './state';
import { openThread } from './threads';
import type { FakeChannel, InjectMessage } from './types';

export interface InjectDeps {
  state: DiscordState;
  broadcast: Broadcast;
  baseUrl(): string;
}

const FIXTURE_CHANNEL: Record<Exclude<FakeChannel, 'dm'>, string> = {
  general: FAKE_DISCORD_IDS.general,
  second: FAKE_DISCORD_IDS.second,
  thread: FAKE_DISCORD_IDS.thread,
};

function known(state: DiscordState, id: string): StoredChannel {
  const channel = state.channel(id);
  if (!channel) throw new Error(`fake-discord injectMessage: no channel ${id}; known channels: ${state.channelIds().join(', ')}`);
  return channel;
}

function channelOf(deps: InjectDeps, spec: InjectMessage, author: APIUser): StoredChannel {
  const { state } = deps;
  const name = spec.channel ?? 'general';
  const base = spec.channelId ? known(state, spec.channelId) : name === 'dm' ? state.dmChannelFor(author) : known(state, FIXTURE_CHANNEL[name]);
  if (spec.newThread === undefined) return base;
  if (base.type !== 0) throw new Error(`fake-discord injectMessage: newThread needs a guild text channel (general or second), not ${name}`);
  return openThread(state, deps.broadcast, { id: state.snowflake(), name: spec.newThread, parentId: base.id, ownerId: author.id });
}

/** A user's message: stored (so replies to it resolve), then dispatched as MESSAGE_CREATE in the gateway form. */
export function injectMessage(deps: InjectDeps, spec: InjectMessage): GatewayMessageCreateDispatchData {
  const { state } = deps;
  const author = state.user(spec.author);
  const channel = channelOf(deps, spec, author);
  const reference = spec.replyTo === undefined ? undefined : state.message(spec.replyTo);
  if (spec.replyTo !== undefined && !reference) throw new Error(`fake-discord injectMessage: replyTo ${spec.replyTo} is not a message the fake knows`);
  const attachments = (spec.attachments ?? []).map((a) =>
    attachmentOf(state, deps.baseUrl(), channel.id, { filename: a.fileName, bytes: a.data, contentType: a.contentType ?? contentTypeOf(a.fileName) }),
  );
  const content = spec.mentionBot ? `<@${FAKE_DISCORD_IDS.bot}> ${spec.text}` : spec.text;
  const message = buildMessage(state, { channel, author, content, attachments, reference });
  state.saveMessage(message);
  const form = gatewayForm(message, channel);
  deps.broadcast('MESSAGE_CREATE', (intents) => messageForIntents(form, intents));
  return form;
}
