import type { RawData, WebSocket } from 'ws';
import { readyData } from '../fixtures';
import { hasIntent, INTENTS } from '../intents';
import type { Recorder } from '../records';
import { isGatewayToken } from '../token';
import type { SessionStore } from './session-store';
import { sendFrame, type GatewaySession } from './session';

/** Discord's gateway close codes the fake uses (GatewayCloseCodes in discord-api-types). */
export const CLOSE_CODES = {
  unknownOpcode: 4001,
  decodeError: 4002,
  notAuthenticated: 4003,
  authenticationFailed: 4004,
  alreadyAuthenticated: 4005,
  invalidSeq: 4007,
  invalidApiVersion: 4012,
  invalidIntents: 4013,
} as const;

/** Gateway opcodes (GatewayOpcodes in discord-api-types). */
export const GATEWAY_OPS = {
  dispatch: 0,
  heartbeat: 1,
  identify: 2,
  presenceUpdate: 3,
  voiceStateUpdate: 4,
  resume: 6,
  reconnect: 7,
  requestGuildMembers: 8,
  invalidSession: 9,
  hello: 10,
  heartbeatAck: 11,
  requestSoundboardSounds: 31,
} as const;
const OP = GATEWAY_OPS;
// Opcodes a client may send once identified; the fake accepts and ignores them.
const IGNORED_OPS: ReadonlySet<number> = new Set([OP.presenceUpdate, OP.voiceStateUpdate, OP.requestGuildMembers, OP.requestSoundboardSounds]);

export interface ConnectionDeps {
  token: string;
  heartbeatIntervalMs: number;
  sessions: SessionStore;
  records: Recorder;
  now(): number;
  /** READY's resume_gateway_url: the fake itself, so a resume comes back here. */
  gatewayUrl(): string;
  /** The GUILD_CREATE payload as of now (threads opened since start included). */
  guildCreate(): unknown;
}

type Payload = { op?: unknown; d?: unknown };

function parse(data: RawData, isBinary: boolean): Payload | undefined {
  // discord.js sends text JSON because zlib-sync is not installed (fake-platforms.md §2.1); binary would be ETF or zlib.
  if (isBinary) return undefined;
  try {
    const payload: unknown = JSON.parse(data.toString());
    return typeof payload === 'object' && payload !== null ? (payload as Payload) : undefined;
  } catch {
    return undefined;
  }
}

/** One gateway WebSocket: HELLO, then IDENTIFY or RESUME, then heartbeats; everything else it closes on, as Discord does. */
export class GatewayConnection {
  private session: GatewaySession | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly deps: ConnectionDeps,
  ) {
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.on('close', (code) => this.onClose(code));
    // A reset or terminate() ends in 'close' as well; without a listener 'error' would throw.
    socket.on('error', () => undefined);
    sendFrame(socket, { op: OP.hello, d: { heartbeat_interval: deps.heartbeatIntervalMs }, s: null, t: null });
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    const payload = parse(data, isBinary);
    if (!payload) return this.close(CLOSE_CODES.decodeError, 'Error while decoding payload.');
    const d = (typeof payload.d === 'object' && payload.d !== null ? payload.d : {}) as Record<string, unknown>;
    switch (payload.op) {
      case OP.heartbeat:
        this.deps.records.heartbeat();
        return sendFrame(this.socket, { op: OP.heartbeatAck, d: null, s: null, t: null });
      case OP.identify:
        return this.identify(d);
      case OP.resume:
        return this.resume(d);
      default:
        if (typeof payload.op !== 'number' || !IGNORED_OPS.has(payload.op)) return this.close(CLOSE_CODES.unknownOpcode, 'Unknown opcode.');
        if (!this.session) return this.close(CLOSE_CODES.notAuthenticated, 'Not authenticated.');
    }
  }

  private identify(d: Record<string, unknown>): void {
    if (this.session) return this.close(CLOSE_CODES.alreadyAuthenticated, 'Already authenticated.');
    if (!isGatewayToken(d.token, this.deps.token)) return this.close(CLOSE_CODES.authenticationFailed, 'Authentication failed.');
    const intents = d.intents;
    if (typeof intents !== 'number' || !Number.isInteger(intents) || intents < 0) return this.close(CLOSE_CODES.invalidIntents, 'Invalid intent(s).');
    const session = this.deps.sessions.create(intents);
    this.attach(session);
    this.deps.records.identified({ at: this.deps.now(), sessionId: session.id, intents, shard: d.shard, properties: d.properties });
    session.dispatch('READY', readyData(session.id, this.deps.gatewayUrl()));
    // Without the Guilds intent Discord sends no GUILD_CREATE, and discord.js then knows no channel.
    if (hasIntent(intents, INTENTS.guilds)) session.dispatch('GUILD_CREATE', this.deps.guildCreate());
  }

  private resume(d: Record<string, unknown>): void {
    if (this.session) return this.close(CLOSE_CODES.alreadyAuthenticated, 'Already authenticated.');
    if (!isGatewayToken(d.token, this.deps.token)) return this.close(CLOSE_CODES.authenticationFailed, 'Authentication failed.');
    const sessionId = String(d.session_id);
    const seq = typeof d.seq === 'number' ? d.seq : 0;
    const session = this.deps.sessions.get(sessionId);
    if (session && seq > session.sequence) return this.close(CLOSE_CODES.invalidSeq, 'Invalid seq.');
    const replay = session?.after(seq);
    if (!session || !replay) {
      this.deps.records.resumed({ at: this.deps.now(), sessionId, seq, outcome: 'invalid', replayed: 0 });
      // d:false = not resumable; discord.js closes and identifies anew.
      return sendFrame(this.socket, { op: OP.invalidSession, d: false, s: null, t: null });
    }
    // Discord allows one connection per session: the older one (a zombie, say) is cut.
    if (session.socket && session.socket !== this.socket) session.socket.terminate();
    this.attach(session);
    for (const frame of replay) sendFrame(this.socket, frame);
    this.deps.records.resumed({ at: this.deps.now(), sessionId, seq, outcome: 'resumed', replayed: replay.length });
    session.dispatch('RESUMED', {});
  }

  private attach(session: GatewaySession): void {
    this.session = session;
    session.socket = this.socket;
  }

  private close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  private onClose(code: number): void {
    this.deps.records.closed(code);
    if (this.session?.socket === this.socket) this.session.socket = undefined;
  }
}

