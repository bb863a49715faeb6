import { Client, DiscordAPIError, Events, GatewayIntentBits, Partials, type Message, type SendableChannels } from 'discord.js';
import { backoffDelayMs, pause } from '@cliver/common';
import { DeliveryError, type Address, type AdapterContext, type IncomingFile, type OutgoingFile, type PlatformAdapter, type SendOptions } from '../../platform';
import { renderChunks, type RenderedChunk } from '../../outbound/render';

const MAX_FILE_BYTES = 20 * 1024 * 1024;

function kindOf(contentType: string | null): IncomingFile['kind'] {
  if (contentType?.startsWith('image/')) return 'image';
  if (contentType?.startsWith('audio/')) return 'voice';
  return 'file';
}

/** Discord REST errors in the delivery loop's terms. */
function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DiscordAPIError) {
    if (err.status === 429) return new DeliveryError(`Discord rate limit: ${err.message}`, false, 1000, { cause: err });
    if (err.status >= 500) return new DeliveryError(`Discord failed: ${err.message}`, false, undefined, { cause: err });
    return new DeliveryError(`Discord refused the message: ${err.message}`, true, undefined, { cause: err });
  }
  return new DeliveryError(`cannot reach Discord: ${(err as Error)?.message ?? String(err)}`, false, undefined, { cause: err });
}

/**
 * Discord over discord.js v14. Discord has no acknowledgements: a message missed while the
 * gateway connection was down comes back through RESUME replay, and a message seen twice is
 * recorded once (agent-core dedupes by message id). Messages of one channel are recorded one at a
 * time, in arrival order. Sends carry a nonce with enforce_nonce, so Discord itself posts a
 * resent chunk only once.
 */
export class DiscordAdapter implements PlatformAdapter {
  readonly typingIntervalMs = 8000;
  private client: Client | undefined;
  private ctx: AdapterContext | undefined;
  private stopping = new AbortController();
  private readonly chains = new Map<string, Promise<void>>();

  async start(ctx: AdapterContext): Promise<void> {
    this.ctx = ctx;
    this.stopping = new AbortController();
    const client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages, GatewayIntentBits.MessageContent],
      // DMs arrive for channels discord.js has not cached.
      partials: [Partials.Channel],
      ...(ctx.config.api_url ? { rest: { api: ctx.config.api_url.replace(/\/+$/, '') } } : {}),
    });
    this.client = client;
    client.on(Events.ShardReady, () => (ctx.markAlive(), ctx.setState('connected')));
    client.on(Events.ShardResume, () => (ctx.markAlive(), ctx.setState('connected')));
    client.on(Events.ShardReconnecting, () => ctx.setState('connecting'));
    client.on(Events.ShardDisconnect, (event) => ctx.setState('error', `the Discord gateway closed the connection (code ${event.code})`));
    client.on(Events.ShardError, (err) => ctx.setState('error', `Discord gateway error: ${err.message}`));
    // A heartbeat acknowledged by Discord is the proof of life (discord.js reports it only as a
    // debug line); an open socket alone proves nothing.
    client.on(Events.Debug, (line) => {
      if (line.includes('Heartbeat acknowledged')) ctx.markAlive();
    });
    client.on(Events.MessageCreate, (message) => this.onMessage(message));
    ctx.setState('connecting');
    client.login(ctx.config.token).catch((err: Error) => {
      const tokenRejected = /TokenInvalid|401|invalid token/i.test(`${err.name} ${err.message}`);
      ctx.setState('error', tokenRejected ? 'Discord rejected the bot token: check gateway.platforms.*.token' : `cannot connect to Discord: ${err.message}`);
      ctx.log.warn({ err }, 'Discord login failed');
    });
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.client?.destroy();
    await Promise.all(this.chains.values());
  }

  render(markdown: string): RenderedChunk[] {
    return renderChunks(markdown, 'discord');
  }

  async sendChunk(to: Address, chunk: RenderedChunk, options: SendOptions): Promise<string> {
    const channel = await this.channel(to);
    try {
      const sent = await channel.send({
        content: chunk.text,
        // Discord keeps a nonce for a few minutes: a chunk resent after a crash is posted once.
        nonce: options.idempotencyKey.slice(0, 25),
        enforceNonce: true,
        allowedMentions: { parse: [] },
        ...(options.replyTo ? { reply: { messageReference: options.replyTo, failIfNotExists: false } } : {}),
      });
      return sent.id;
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  async sendFile(to: Address, file: OutgoingFile, options: SendOptions): Promise<string> {
    const channel = await this.channel(to);
    try {
      const sent = await channel.send({
        files: [{ attachment: Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength), name: file.fileName }],
        nonce: options.idempotencyKey.slice(0, 25),
        enforceNonce: true,
        ...(options.replyTo ? { reply: { messageReference: options.replyTo, failIfNotExists: false } } : {}),
      });
      return sent.id;
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  async sendTyping(to: Address): Promise<void> {
    await (await this.channel(to)).sendTyping();
  }

  private async channel(to: Address): Promise<SendableChannels> {
    const client = this.client;
    if (!client) throw new DeliveryError('the Discord adapter is not started', false);
    let channel;
    try {
      channel = await client.channels.fetch(to.threadId || to.channelId);
    } catch (err) {
      throw toDeliveryError(err);
    }
    if (!channel?.isSendable()) throw new DeliveryError(`Discord channel ${to.threadId || to.channelId} cannot be written to`, true);
    return channel;
  }

  private onMessage(message: Message): void {
    const ctx = this.ctx;
    if (!ctx || message.author.bot || message.system) return;
    ctx.markAlive();
    const key = message.channelId;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.record(message));
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  /** Records one message, retrying while agent-core is unreachable (Discord will not send it again). */
  private async record(message: Message): Promise<void> {
    const ctx = this.ctx!;
    const signal = this.stopping.signal;
    const inThread = message.channel.isThread();
    const botId = this.client?.user?.id;
    const mentioned = !message.inGuild() || (!!botId && (message.mentions.users.has(botId) || message.mentions.repliedUser?.id === botId));
    const text = botId ? message.content.replace(new RegExp(`<@!?${botId}>`, 'g'), '').trim() : message.content;
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        await ctx.receive({
          address: { channelId: inThread ? (message.channel.parentId ?? message.channelId) : message.channelId, threadId: inThread ? message.channelId : '' },
          eventId: message.id,
          messageId: message.id,
          userId: message.author.id,
          userName: message.author.globalName ?? message.author.username,
          text,
          files: await this.files(message),
          isGroup: message.inGuild(),
          mentionsBot: mentioned,
          sentAtMs: message.createdTimestamp,
        });
        return;
      } catch (err) {
        ctx.log.warn({ err, messageId: message.id, attempt }, 'could not record a Discord message; retrying');
        await pause(backoffDelayMs(attempt, { baseMs: 500, maxMs: 30_000, jitter: 0.2 }), signal);
      }
    }
  }

  private async files(message: Message): Promise<IncomingFile[]> {
    const out: IncomingFile[] = [];
    for (const a of message.attachments.values()) {
      if (a.size > MAX_FILE_BYTES) continue;
      const res = await fetch(a.url);
      if (!res.ok) throw new Error(`downloading a Discord attachment failed with HTTP ${res.status}`);
      out.push({ kind: kindOf(a.contentType), fileName: a.name, mimeType: a.contentType ?? 'application/octet-stream', data: new Uint8Array(await res.arrayBuffer()) });
    }
    return out;
  }
}
