import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CLOSE_CODES, GATEWAY_OPS, GatewayConnection, type ConnectionDeps } from './connection';
import { SessionStore } from './session-store';
import { sendFrame } from './session';
import type { DropOptions } from '../types';

export interface GatewayDeps extends Omit<ConnectionDeps, 'sessions'> {
  log(line: string): void;
}

/**
 * Why an upgrade is refused. The fake speaks text JSON only: zlib-stream or ETF from a future
 * discord.js (zlib-sync installed, @discordjs/ws 2) must fail loudly, not as silently dropped frames.
 */
function upgradeProblem(query: URLSearchParams): string | undefined {
  if (query.has('compress')) return `compress=${query.get('compress')} was requested; the fake sends uncompressed JSON only (is zlib-sync installed?)`;
  const encoding = query.get('encoding') ?? 'json';
  if (encoding !== 'json') return `encoding=${encoding} was requested; the fake speaks JSON only`;
  return undefined;
}

/** The gateway WebSocket endpoint, sharing the REST server's port; any path that is not /api upgrades. */
export class FakeGateway {
  readonly sessions = new SessionStore();
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(private readonly deps: GatewayDeps) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const problem = url.pathname.startsWith('/api') ? `${url.pathname} is a REST path, not the gateway` : upgradeProblem(url.searchParams);
    if (problem) {
      this.deps.log(`fake-discord refused a gateway connection: ${problem}`);
      socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${problem}\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.deps.records.connected();
      new GatewayConnection(ws, { ...this.deps, sessions: this.sessions });
      // Discord answers an unsupported version by closing with 4012 right after the upgrade.
      const version = url.searchParams.get('v');
      if (version !== '10') ws.close(CLOSE_CODES.invalidApiVersion, 'Invalid API version.');
    });
  }

  readonly broadcast = this.sessions.broadcast;

  /** Sessions with a socket attached (identified or resumed and not dropped). */
  get liveSessions(): number {
    return this.sessions.all().filter((s) => s.socket).length;
  }

  /** Cuts every connection; the sessions stay, so discord.js resumes (unless `code` says otherwise). */
  drop(options: DropOptions = {}): void {
    for (const ws of this.wss.clients) {
      if (options.code === undefined) ws.terminate();
      else ws.close(options.code, options.reason ?? '');
    }
  }

  /** INVALID_SESSION(false) to every connected client, and every session forgotten: the next RESUME fails too. */
  invalidate(): void {
    for (const session of this.sessions.all()) sendFrame(session.socket, { op: GATEWAY_OPS.invalidSession, d: false, s: null, t: null });
    this.sessions.clear();
  }

  /** Op 7 RECONNECT, as Discord sends before moving a session: the client reconnects and resumes. */
  requestReconnect(): void {
    for (const session of this.sessions.all()) sendFrame(session.socket, { op: GATEWAY_OPS.reconnect, d: null, s: null, t: null });
  }

  /** For stop(): the sockets go, the sessions stay for a RESUME after start(). */
  terminateAll(): void {
    for (const ws of this.wss.clients) ws.terminate();
  }
}
