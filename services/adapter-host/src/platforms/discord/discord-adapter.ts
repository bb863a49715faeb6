import { Client, Events, GatewayIntentBits, Partials, type Message, type SendableChannels, type WebSocketOptions } from 'discord.js';
import { backoffDelayMs, pause } from '@cliver/common';
import { DeliveryError, type Address, type AdapterContext, type AdapterState, type OutgoingFile, type PlatformAdapter, type SendOptions } from '../../platform';
import { renderChunks, type RenderedChunk } from '../../outbound/render';
import { describeFatalClose, describeLoginError, toDeliveryError } from './discord-errors';
import { toIncoming } from './discord-message';
import { downloadAttachments, withSkippedNotes } from './download-attachments';
import { nonceFor, rejectLongRateLimits, restRoot } from './rest-options';
import { MAX_FILE_BYTES } from '../../inbound/fit-attachments';

const DEFAULT_HOST = 'discord.com';
const OUTAGE = 'lost the connection to the Discord gateway; discord.js keeps reconnecting every 0.5 s';

export interface DiscordTimings {
  /** Backoff between attempts to record a message agent-core refused, and between failed logins. */
  retry: { baseMs: number; maxMs: number };
  /**
   * The longest rate-limit wait a REST call sits out inside discord.js (a channel's 5-per-5-s bucket
   * fits); a longer one, such as a global limit, fails with retryAfterMs for the delivery loop to schedule.
   */
  maxRateLimitWaitMs: number;
  /** Per attachment of an incoming message. */
  downloadTimeoutMs: number;
  /** discord.js's identify throttle (5 s between IDENTIFYs); absent keeps discord.js's own. Tests pass one that does not wait. */
  buildIdentifyThrottler?: WebSocketOptions['buildIdentifyThrottler'];
}

const DEFAULT_TIMINGS: DiscordTimings = { retry: { baseMs: 1000, maxMs: 30_000 }, maxRateLimitWaitMs: 10_000, downloadTimeoutMs: 30_000 };

/**
 * Discord over discord.js v14. Discord has no acknowledgements: a message missed while the
 * gateway connection was down comes back through RESUME replay, and a message seen twice is
 * recorded once (agent-core dedupes by message id). Messages of one channel are recorded one at a
 * time, in arrival order. Sends carry a nonce with enforce_nonce, so Discord itself posts a
 * resent chunk only once.
 */
// How far back a new session looks for conversations whose missed messages it fetches.
const CATCH_UP_WINDOW_MS = 24 * 60 * 60 * 1000;

export class DiscordAdapter implements PlatformAdapter {
  readonly typingIntervalMs = 8000;
  private client: Client | undefined;
  private ctx: AdapterContext | undefined;
  private stopping = new AbortController();
  private loginLoop: Promise<void> | undefined;
  private readonly chains = new Map<string, Promise<void>>();
  private reported: { state: AdapterState; error?: string } | undefined;
  private reconnects = 0;

  constructor(private readonly timings: DiscordTimings = DEFAULT_TIMINGS) {}

  async start(ctx: AdapterContext): Promise<void> {
    this.ctx = ctx;
    this.stopping = new AbortController();
    this.reported = undefined;
    this.reconnects = 0;
    this.report('connecting');
    this.loginLoop = this.logIn(ctx);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.client?.destroy();
    await this.loginLoop;
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
        nonce: nonceFor(options.idempotencyKey),
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
        nonce: nonceFor(options.idempotencyKey),
        enforceNonce: true,
        ...(options.replyTo ? { reply: { messageReference: options.replyTo, failIfNotExists: false } } : {}),
      });
      return sent.id;
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  async sendTyping(to: Address): Promise<void> {
    const channel = await this.channel(to);
    try {
      await channel.sendTyping();
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  /** Logs in, again with backoff while Discord is unreachable; a refused token or a wrong api_url stays `error`. */
  private async logIn(ctx: AdapterContext): Promise<void> {
    const signal = this.stopping.signal;
    const host = ctx.config.api_url ? new URL(ctx.config.api_url).host : DEFAULT_HOST;
    for (let attempt = 1; !signal.aborted; attempt++) {
      const client = this.createClient(ctx);
      this.client = client;
      try {
        // `connected` comes from ShardReady, which may fire before login() resolves.
        await client.login(ctx.config.token);
        return;
      } catch (err) {
        if (signal.aborted) return;
        const failure = describeLoginError(err, ctx.name, host);
        this.report('error', failure.message);
        ctx.log.warn({ err, attempt, host }, 'Discord login failed');
        if (failure.permanent) return;
        const backoffMs = backoffDelayMs(attempt, { ...this.timings.retry, jitter: 0.2 });
        await pause(Math.max(backoffMs, failure.retryAfterMs ?? 0), signal);
      }
    }
  }

  private createClient(ctx: AdapterContext): Client {
    const client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages, GatewayIntentBits.MessageContent],
      // DMs arrive for channels discord.js has not cached.
      partials: [Partials.Channel],
      rest: { ...(ctx.config.api_url ? { api: restRoot(ctx.config.api_url) } : {}), rejectOnRateLimit: rejectLongRateLimits(this.timings.maxRateLimitWaitMs) },
      ...(this.timings.buildIdentifyThrottler ? { ws: { buildIdentifyThrottler: this.timings.buildIdentifyThrottler } } : {}),
    });
    // Events of a client given up on (a failed login, a stopped adapter) say nothing about the connection.
    const whileLive =
      <A extends unknown[]>(handle: (...args: A) => void) =>
      (...args: A) => {
        if (this.client === client && !this.stopping.signal.aborted) handle(...args);
      };
    const ready = whileLive(() => {
      this.reconnects = 0;
      ctx.markAlive();
      this.report('connected');
    });
    // A new session (first start, or a RESUME that failed) replays nothing: fetch what was missed.
    client.on(Events.ShardReady, (...args: []) => {
      ready(...args);
      if (this.client === client && !this.stopping.signal.aborted) void this.catchUp(ctx, client);
    });
    client.on(Events.ShardResume, ready);
    client.on(Events.ShardReconnecting, whileLive(() => this.onReconnecting(ctx)));
    client.on(Events.ShardDisconnect, whileLive((event: { code: number }) => this.report('error', describeFatalClose(event.code, ctx.name))));
    client.on(Events.ShardError, whileLive((err: Error) => this.report('error', `Discord gateway error: ${err.message}`)));
    // A heartbeat acknowledged by Discord is the proof of life (discord.js reports it only as a
    // debug line); an open socket alone proves nothing.
    client.on(Events.Debug, whileLive((line: string) => line.includes('Heartbeat acknowledged') && ctx.markAlive()));
    client.on(Events.MessageCreate, whileLive((message: Message) => this.onMessage(message)));
    return client;
  }

  /**
   * discord.js fires shardReconnecting on every attempt, every 500 ms while the gateway is away:
   * the first says `connecting` (a resume usually follows at once), a second means the first attempt
   * failed, an outage: `error`, said once.
   */
  private onReconnecting(ctx: AdapterContext): void {
    this.reconnects++;
    ctx.log.debug({ attempt: this.reconnects }, 'Discord gateway reconnecting');
    if (this.reported?.state === 'connected') this.report('connecting');
    else if (this.reported?.state === 'connecting' && this.reconnects > 1) this.report('error', OUTAGE);
  }

  /** Tells the registry about a change only: an outage is one `error`, not one per reconnect attempt. */
  private report(state: AdapterState, error?: string): void {
    if (this.reported?.state === state && this.reported.error === error) return;
    this.reported = { state, error };
    this.ctx?.setState(state, error);
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

  /**
   * Discord has no acknowledgements and a new session replays nothing, so messages sent while
   * the gateway was away (an outage longer than a RESUME, an adapter-host restart) are fetched
   * over REST: everything after the newest recorded message of each recently active
   * conversation. agent-core dedupes by message id, so one that also came live is answered once.
   */
  private async catchUp(ctx: AdapterContext, client: Client): Promise<void> {
    let recent;
    try {
      recent = await ctx.recentConversations(Date.now() - CATCH_UP_WINDOW_MS);
    } catch (err) {
      ctx.log.warn({ err }, 'cannot ask agent-core for recent conversations; messages sent while disconnected are not fetched');
      return;
    }
    for (const { address, lastEventId } of recent) {
      if (this.client !== client || this.stopping.signal.aborted) return;
      const channelId = address.threadId || address.channelId;
      try {
        const channel = await client.channels.fetch(channelId);
        if (!channel?.isTextBased()) continue;
        const missed = [...(await channel.messages.fetch({ after: lastEventId, limit: 100 })).values()];
        missed.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
        if (missed.length) ctx.log.info({ channelId, count: missed.length }, 'fetched Discord messages sent while disconnected');
        for (const message of missed) this.onMessage(message);
      } catch (err) {
        ctx.log.warn({ err, channelId }, 'cannot fetch the Discord messages missed in a channel');
      }
    }
  }

  private onMessage(message: Message): void {
    const ctx = this.ctx;
    if (!ctx || message.author.bot || message.system) return;
    ctx.markAlive();
    const key = message.channelId;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.record(ctx, message));
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  /**
   * Records one message, retrying while agent-core refuses it (Discord will not send it again).
   * Its attachments are downloaded once, before: a retry must not fetch them again, and a file
   * that cannot be fetched leaves a note in the text instead of holding up the channel.
   */
  private async record(ctx: AdapterContext, message: Message): Promise<void> {
    const signal = this.stopping.signal;
    const { attachments, ...draft } = toIncoming(message, this.client?.user?.id);
    const { files, skipped } = await downloadAttachments(attachments, { timeoutMs: this.timings.downloadTimeoutMs, maxBytes: MAX_FILE_BYTES, signal });
    if (skipped.length) ctx.log.warn({ messageId: message.id, skipped }, 'Discord attachments not downloaded; recording the message without them');
    const incoming = { ...draft, text: withSkippedNotes(draft.text, skipped), files };
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        await ctx.receive(incoming);
        return;
      } catch (err) {
        ctx.log.warn({ err, messageId: message.id, attempt }, 'could not record a Discord message; retrying');
        await pause(backoffDelayMs(attempt, { ...this.timings.retry, jitter: 0.2 }), signal);
      }
    }
  }
}
