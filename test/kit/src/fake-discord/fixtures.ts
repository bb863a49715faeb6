// The fake's one bot, one guild and its channels, typed with discord-api-types so that a missing field
// shows up in tsc instead of as a silently dropped message in discord.js (fake-platforms.md §6.2).
import type {
  APIDMChannel,
  APIGuildMember,
  APIRole,
  APITextChannel,
  APIThreadChannel,
  APIUser,
  ApplicationFlags,
  ChannelFlags,
  ChannelType,
  GatewayGuildCreateDispatchData,
  GatewayReadyDispatchData,
  GuildMemberFlags,
  GuildSystemChannelFlags,
  RoleFlags,
  ThreadAutoArchiveDuration,
} from 'discord-api-types/v10';
import type { UserSpec } from './types';

/** Fixed ids of the fixture objects, so tests and the keyless demo can name them. */
export const FAKE_DISCORD_IDS = {
  bot: '100000000000000001',
  /** The author of injected messages unless the test names another. */
  user: '100000000000000002',
  guild: '200000000000000001',
  general: '300000000000000001',
  second: '300000000000000002',
  /** A public thread under general, listed in GUILD_CREATE. */
  thread: '300000000000000003',
} as const;

export const BOT_USERNAME = 'fakebot';
export const GUILD_NAME = 'G';
const JOINED_AT = '2024-01-01T00:00:00.000Z';
// discord-api-types is a type-only import here (it is discord.js's dependency, not the kit's), so enum
// values are literals asserted to their enum. The flag enums have no member for 0 ("no flags").
const GUILD_TEXT = 0 as ChannelType.GuildText;
const DM = 1 as ChannelType.DM;
const PUBLIC_THREAD = 11 as ChannelType.PublicThread;
const ONE_DAY = 1440 as ThreadAutoArchiveDuration;
const NO_CHANNEL_FLAGS = 0 as ChannelFlags;
const NO_MEMBER_FLAGS = 0 as GuildMemberFlags;
const NO_ROLE_FLAGS = 0 as RoleFlags;
const NO_APPLICATION_FLAGS = 0 as ApplicationFlags;
const NO_SYSTEM_CHANNEL_FLAGS = 0 as GuildSystemChannelFlags;
// Every permission except Administrator: send, read history, create threads, attach files, add reactions…
const EVERYONE_PERMISSIONS = '1071698660929';

export function botUser(): APIUser {
  return { id: FAKE_DISCORD_IDS.bot, username: BOT_USERNAME, discriminator: '0', global_name: null, avatar: null, bot: true };
}

export function userFrom(spec: UserSpec = {}): APIUser {
  const user: APIUser = {
    id: spec.id ?? FAKE_DISCORD_IDS.user,
    username: spec.username ?? (spec.id ? `user${spec.id.slice(-4)}` : 'alice'),
    discriminator: '0',
    global_name: spec.globalName === undefined ? (spec.id ? null : 'Alice') : spec.globalName,
    avatar: null,
  };
  if (spec.bot) user.bot = true;
  return user;
}

/** A member as MESSAGE_CREATE carries it: without `user`, which discord.js takes from the author. */
export function memberStub(): Omit<APIGuildMember, 'user'> & { joined_at: string } {
  return { roles: [], joined_at: JOINED_AT, deaf: false, mute: false, flags: NO_MEMBER_FLAGS };
}

export function textChannel(id: string, name: string, position: number): APITextChannel {
  return {
    id,
    type: GUILD_TEXT,
    guild_id: FAKE_DISCORD_IDS.guild,
    name,
    position,
    permission_overwrites: [],
    parent_id: null,
    nsfw: false,
    rate_limit_per_user: 0,
    topic: null,
    last_message_id: null,
    flags: NO_CHANNEL_FLAGS,
  };
}

export function guildChannels(): APITextChannel[] {
  return [textChannel(FAKE_DISCORD_IDS.general, 'general', 0), textChannel(FAKE_DISCORD_IDS.second, 'second', 1)];
}

export interface ThreadSpecResolved {
  id: string;
  name: string;
  parentId: string;
  ownerId: string;
  createdAt: string;
}

export function threadChannel(t: ThreadSpecResolved): APIThreadChannel {
  return {
    id: t.id,
    type: PUBLIC_THREAD,
    guild_id: FAKE_DISCORD_IDS.guild,
    parent_id: t.parentId,
    name: t.name,
    owner_id: t.ownerId,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: NO_CHANNEL_FLAGS,
    message_count: 0,
    member_count: 1,
    total_message_sent: 0,
    thread_metadata: { archived: false, auto_archive_duration: ONE_DAY, archive_timestamp: t.createdAt, locked: false, create_timestamp: t.createdAt },
  };
}

/** The fixture thread every session learns from GUILD_CREATE. */
export function fixtureThread(createdAt: string): APIThreadChannel {
  return threadChannel({ id: FAKE_DISCORD_IDS.thread, name: 'thread', parentId: FAKE_DISCORD_IDS.general, ownerId: FAKE_DISCORD_IDS.user, createdAt });
}

export function dmChannel(id: string, recipient: APIUser): APIDMChannel {
  return { id, type: DM, name: null, recipients: [recipient], last_message_id: null, flags: NO_CHANNEL_FLAGS };
}

export function readyData(sessionId: string, resumeGatewayUrl: string): GatewayReadyDispatchData {
  return {
    v: 10,
    user: botUser(),
    guilds: [{ id: FAKE_DISCORD_IDS.guild, unavailable: true }],
    session_id: sessionId,
    resume_gateway_url: resumeGatewayUrl,
    shard: [0, 1],
    // flags_new is the same bit field as a decimal string (it outgrew 32 bits).
    application: { id: FAKE_DISCORD_IDS.bot, flags: NO_APPLICATION_FLAGS, flags_new: '0' },
  };
}

const EVERYONE_ROLE: APIRole = {
  id: FAKE_DISCORD_IDS.guild,
  name: '@everyone',
  permissions: EVERYONE_PERMISSIONS,
  position: 0,
  color: 0,
  colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
  hoist: false,
  icon: null,
  unicode_emoji: null,
  managed: false,
  mentionable: false,
  flags: NO_ROLE_FLAGS,
};

/** GUILD_CREATE lists the active threads too, so a client that re-identifies still knows each thread's parent. */
export function guildCreateData(threads: APIThreadChannel[]): GatewayGuildCreateDispatchData {
  return {
    id: FAKE_DISCORD_IDS.guild,
    name: GUILD_NAME,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: FAKE_DISCORD_IDS.user,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: 'en-US' as GatewayGuildCreateDispatchData['preferred_locale'],
    application_id: null,
    system_channel_id: null,
    system_channel_flags: NO_SYSTEM_CHANNEL_FLAGS,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    hub_type: null,
    incidents_data: null,
    roles: [EVERYONE_ROLE],
    emojis: [],
    stickers: [],
    features: [],
    unavailable: false,
    joined_at: JOINED_AT,
    large: false,
    member_count: 2,
    members: [{ user: botUser(), ...memberStub() }],
    channels: guildChannels(),
    threads: threads as GatewayGuildCreateDispatchData['threads'],
    voice_states: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
