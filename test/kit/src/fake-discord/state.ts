import type { APIDMChannel, APIMessage, APITextChannel, APIThreadChannel, APIUser } from 'discord-api-types/v10';
import { botUser, dmChannel, fixtureThread, guildChannels, userFrom } from './fixtures';
import type { UserSpec } from './types';

export type StoredChannel = APITextChannel | APIThreadChannel | APIDMChannel;

export interface StoredFile {
  bytes: Buffer;
  contentType: string;
}

const DISCORD_EPOCH_MS = 1_420_070_400_000;
// A benchmark pushes many messages through one fake; old ones are forgotten, newest kept.
const MAX_MESSAGES = 10_000;
const MAX_USERS = 10_000;
const MAX_FILES = 1_000;
// Uploads are up to 10 MiB each: the count cap alone would allow gigabytes.
const MAX_FILE_BYTES = 256 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  mp4: 'video/mp4',
};

export function contentTypeOf(filename: string): string {
  const ext = /\.([^.]+)$/.exec(filename)?.[1]?.toLowerCase() ?? '';
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}

function trim<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) map.delete(map.keys().next().value as K);
}

/** What the fake Discord knows: users, channels (guild, thread, DM), messages, uploaded bytes, nonces. */
export class DiscordState {
  /** The bot and the default author; never forgotten, unlike the users tests invent. */
  private readonly fixtureUsers = new Map<string, APIUser>();
  private readonly users = new Map<string, APIUser>();
  private readonly channels = new Map<string, StoredChannel>();
  private readonly messages = new Map<string, APIMessage>();
  private readonly files = new Map<string, StoredFile>();
  private fileBytes = 0;
  private readonly dmByUser = new Map<string, string>();
  private readonly nonces = new Map<string, { messageId: string; at: number }>();
  private lastMs = 0;
  private increment = 0;

  constructor(readonly now: () => number) {
    for (const u of [botUser(), userFrom()]) this.fixtureUsers.set(u.id, u);
    for (const c of guildChannels()) this.channels.set(c.id, c);
    const thread = fixtureThread(this.timestamp());
    this.channels.set(thread.id, thread);
  }

  /** A real snowflake, so discord.js's `createdTimestamp` tells the time the fake's clock said. */
  snowflake(): string {
    let ms = Math.max(0, this.now() - DISCORD_EPOCH_MS);
    if (ms <= this.lastMs) {
      ms = this.lastMs;
      this.increment += 1;
      if (this.increment > 0xfff) {
        ms += 1;
        this.increment = 0;
      }
    } else {
      this.increment = 0;
    }
    this.lastMs = ms;
    return ((BigInt(ms) << 22n) | BigInt(this.increment)).toString();
  }

  timestamp(): string {
    return new Date(this.now()).toISOString();
  }

  /** The user a spec names, remembered so <@id> mentions and GET /users/:id find it. */
  user(spec?: UserSpec): APIUser {
    const user = userFrom(spec);
    const known = this.knownUser(user.id);
    if (known && !spec?.username && spec?.globalName === undefined) return known;
    if (this.fixtureUsers.has(user.id)) return user;
    this.users.set(user.id, user);
    trim(this.users, MAX_USERS);
    return user;
  }

  knownUser(id: string): APIUser | undefined {
    return this.fixtureUsers.get(id) ?? this.users.get(id);
  }

  channel(id: string): StoredChannel | undefined {
    return this.channels.get(id);
  }

  channelIds(): string[] {
    return [...this.channels.keys()];
  }

  threads(): APIThreadChannel[] {
    return [...this.channels.values()].filter((c): c is APIThreadChannel => c.type === 11);
  }

  addThread(thread: APIThreadChannel): void {
    this.channels.set(thread.id, thread);
  }

  dmChannelFor(user: APIUser): APIDMChannel {
    const id = this.dmByUser.get(user.id);
    const known = id ? this.channels.get(id) : undefined;
    if (known) return known as APIDMChannel;
    const channel = dmChannel(this.snowflake(), user);
    this.dmByUser.set(user.id, channel.id);
    this.channels.set(channel.id, channel);
    return channel;
  }

  message(id: string): APIMessage | undefined {
    return this.messages.get(id);
  }

  saveMessage(message: APIMessage): void {
    this.messages.set(message.id, message);
    const channel = this.channels.get(message.channel_id);
    if (channel) channel.last_message_id = message.id;
    trim(this.messages, MAX_MESSAGES);
  }

  deleteMessage(id: string): void {
    this.messages.delete(id);
  }

  /** Newest first, as GET /channels/:id/messages answers. */
  messagesIn(channelId: string): APIMessage[] {
    return [...this.messages.values()].filter((m) => m.channel_id === channelId).reverse();
  }

  saveFile(path: string, file: StoredFile): void {
    this.files.set(path, file);
    this.fileBytes += file.bytes.length;
    while (this.files.size > 1 && (this.files.size > MAX_FILES || this.fileBytes > MAX_FILE_BYTES)) {
      const [oldest, old] = this.files.entries().next().value as [string, StoredFile];
      this.files.delete(oldest);
      this.fileBytes -= old.bytes.length;
    }
  }

  file(path: string): StoredFile | undefined {
    return this.files.get(path);
  }

  /** The message an earlier create with this nonce made in this channel, if it is inside the window. */
  nonceHit(channelId: string, nonce: string | number, windowMs: number): APIMessage | undefined {
    const hit = this.nonces.get(`${channelId}\u0000${nonce}`);
    if (!hit || this.now() - hit.at > windowMs) return undefined;
    return this.messages.get(hit.messageId);
  }

  rememberNonce(channelId: string, nonce: string | number, messageId: string): void {
    this.nonces.set(`${channelId}\u0000${nonce}`, { messageId, at: this.now() });
    trim(this.nonces, MAX_MESSAGES);
  }
}

export function isGuildChannel(channel: StoredChannel): channel is APITextChannel | APIThreadChannel {
  return channel.type !== 1;
}
