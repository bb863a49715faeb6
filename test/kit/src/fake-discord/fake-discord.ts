import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { GatewayMessageCreateDispatchData } from 'discord-api-types/v10';
import { closeServer, listen } from '../harness/listen';
import { waitFor } from '../harness/wait-for';
import { CDN_PREFIX, serveAttachment } from './cdn';
import { FAKE_DISCORD_IDS, guildCreateData } from './fixtures';
import { FakeGateway } from './gateway/gateway';
import { injectMessage } from './inject';
import { Recorder } from './records';
import type { RestContext } from './rest/context';
import { FaultQueue } from './rest/faults';
import { serveApi, type ApiDeps } from './rest/serve-api';
import { DiscordState } from './state';
import type { DropOptions, FailSpec, FakeDiscordOptions, GatewayRecord, InjectMessage, RestCall, SentMessage, TypingEvent } from './types';

const HOST = '127.0.0.1';
const DEFAULT_TOKEN = 'fake-discord-token';
const DEFAULT_HEARTBEAT_MS = 41_250;
const FIVE_MINUTES_MS = 5 * 60_000;
const TEN_MIB = 10 * 1024 * 1024;

/**
 * Discord's REST API and gateway on one 127.0.0.1 port, enough for the real discord.js v14 Client
 * (fake-platforms.md §2): point `rest: { api: restUrl }` at it and the gateway URL follows from
 * GET /gateway/bot. State (channels, messages, sessions) survives restart(), so a client resumes.
 */
export class FakeDiscord {
  readonly token: string;
  /** The fixture ids: bot, user, guild, general, second, thread. */
  readonly ids = FAKE_DISCORD_IDS;
  private readonly state: DiscordState;
  private readonly records = new Recorder();
  private readonly faults = new FaultQueue();
  private readonly gw: FakeGateway;
  private readonly api: ApiDeps;
  private readonly log: (line: string) => void;
  private server: Server | undefined;
  private currentPort: number;
  private isClosed = false;

  constructor(options: FakeDiscordOptions = {}) {
    this.token = options.token ?? DEFAULT_TOKEN;
    this.currentPort = options.port ?? 0;
    this.log = options.log ?? ((line) => console.error(line));
    const now = options.now ?? Date.now;
    this.state = new DiscordState(now);
    this.gw = new FakeGateway({
      token: this.token,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_MS,
      records: this.records,
      now,
      gatewayUrl: () => this.gatewayUrl,
      guildCreate: () => guildCreateData(this.state.threads()),
      log: this.log,
    });
    const ctx: RestContext = {
      state: this.state,
      records: this.records,
      broadcast: this.gw.broadcast,
      baseUrl: () => this.baseUrl,
      gatewayUrl: () => this.gatewayUrl,
      nonceWindowMs: options.nonceWindowMs ?? FIVE_MINUTES_MS,
      echoSentMessages: options.echoSentMessages ?? true,
    };
    this.api = { ctx, token: this.token, faults: this.faults, maxUploadBytes: options.maxUploadBytes ?? TEN_MIB, log: this.log };
  }

  get port(): number {
    return this.currentPort;
  }

  /** http://127.0.0.1:PORT: attachment urls start here. */
  get baseUrl(): string {
    return `http://${HOST}:${this.currentPort}`;
  }

  /** What discord.js's `rest: { api }` takes; it appends /v10 itself. */
  get restUrl(): string {
    return `${this.baseUrl}/api`;
  }

  /** What GET /gateway/bot answers and READY's resume_gateway_url names. */
  get gatewayUrl(): string {
    return `ws://${HOST}:${this.currentPort}`;
  }

  /** Every REST request, in arrival order (answered or not); bounded, oldest dropped first. */
  get calls(): readonly RestCall[] {
    return this.records.calls;
  }

  /** Messages the bot posted, oldest first; only those in `channelId` when given. */
  sent(channelId?: string): SentMessage[] {
    return this.records.sent.filter((m) => channelId === undefined || m.channelId === channelId);
  }

  get typing(): readonly TypingEvent[] {
    return this.records.typing;
  }

  /** Attachment paths the client downloaded from the fake's CDN route. */
  get downloads(): readonly string[] {
    return this.records.downloads;
  }

  /** Connections, heartbeats, IDENTIFYs, RESUMEs and close codes seen on the gateway. */
  get gateway(): GatewayRecord {
    return this.records.gateway;
  }

  /** Gateway sessions with a connected socket: 1 once a client is ready, 0 while it is dropped. */
  get liveSessions(): number {
    return this.gw.liveSessions;
  }

  /** Dispatches a user's message (MESSAGE_CREATE, after THREAD_CREATE for `newThread`) and returns it as dispatched. */
  injectMessage(spec: InjectMessage): GatewayMessageCreateDispatchData {
    return injectMessage({ state: this.state, broadcast: this.gw.broadcast, baseUrl: () => this.baseUrl }, spec);
  }

  /** Answers the next `n` REST requests that `spec.match` selects (all by default) with an error, as Discord does. */
  failNext(n: number, spec: FailSpec): void {
    this.faults.add(n, spec);
  }

  /** Cuts the gateway sockets. By default abnormally (1006): discord.js resumes about 500 ms later. */
  dropConnection(options?: DropOptions): void {
    this.gw.drop(options);
  }

  /** INVALID_SESSION(false) and every session forgotten: discord.js identifies anew. */
  invalidateSession(): void {
    this.gw.invalidate();
  }

  /** Op 7 RECONNECT: discord.js closes and resumes. */
  requestReconnect(): void {
    this.gw.requestReconnect();
  }

  /** Resolves with the first sent message that matches, polling with the kit's waitFor (never a bare sleep). */
  async waitForSent(predicate: (m: SentMessage) => boolean = () => true, options: { timeoutMs?: number } = {}): Promise<SentMessage> {
    const timeoutMs = options.timeoutMs ?? 5000;
    try {
      return await waitFor(() => this.records.sent.find(predicate), { timeoutMs, intervalMs: 10, what: 'a message from the bot that matches' });
    } catch (err) {
      const seen = this.records.sent.map((m) => `${m.channelId}: ${JSON.stringify(m.content.slice(0, 60))}`).join('; ') || 'none';
      throw new Error(`fake-discord: ${(err as Error).message}; sent so far: ${seen}`);
    }
  }

  /** Forgets records and pending faults; channels, messages and sessions stay. */
  reset(): void {
    this.records.reset();
    this.faults.clear();
  }

  async start(): Promise<void> {
    if (this.isClosed) throw new Error('fake-discord was closed; call startFakeDiscord() for a new one');
    if (this.server) return;
    const server = createServer({ noDelay: true }, (req, res) => this.onRequest(req, res));
    server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => this.gw.handleUpgrade(req, socket, head));
    this.currentPort = await listen(server, this.currentPort, HOST);
    this.server = server;
  }

  /** Stops listening and cuts every connection; sessions stay, so start() lets a client RESUME. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.gw.terminateAll();
    await closeServer(server);
  }

  /** stop() then start() on the same port: discord.js keeps its first gateway URL, so the port must not change. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async close(): Promise<void> {
    this.isClosed = true;
    await this.stop();
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.route(req, res, Buffer.concat(chunks)).catch((err: unknown) => {
        this.log(`fake-discord failed on ${req.method} ${req.url}: ${(err as Error)?.stack ?? String(err)}`);
        if (res.headersSent) res.destroy();
        else res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: '500: Internal Server Error', code: 0 }));
      });
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return serveApi(this.api, req, res, url, raw);
    if (url.pathname.startsWith(CDN_PREFIX)) return serveAttachment(this.state, this.records, req, res, url);
    this.log(`fake-discord has no page ${req.method} ${url.pathname}; REST is under /api/v10, attachments under ${CDN_PREFIX}, the gateway is a WebSocket upgrade`);
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: '404: Not Found', code: 0 }));
  }
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const fake = new FakeDiscord(options);
  await fake.start();
  return fake;
}
