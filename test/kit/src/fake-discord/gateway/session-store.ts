import { randomBytes } from 'node:crypto';
import { GatewaySession } from './session';

/** Sends a dispatch to every session; `build` returns undefined to skip a session (its intents). */
export type Broadcast = (t: string, build: (intents: number) => unknown) => void;

// Every IDENTIFY makes a session, and a client that re-identifies leaves its old one behind.
const MAX_SESSIONS = 50;

/** The gateway sessions, kept across restart() so a client that reconnects can still RESUME. */
export class SessionStore {
  private readonly sessions = new Map<string, GatewaySession>();

  create(intents: number): GatewaySession {
    const session = new GatewaySession(randomBytes(16).toString('hex'), intents);
    this.sessions.set(session.id, session);
    this.evictDetached();
    return session;
  }

  get(id: string): GatewaySession | undefined {
    return this.sessions.get(id);
  }

  all(): GatewaySession[] {
    return [...this.sessions.values()];
  }

  clear(): void {
    this.sessions.clear();
  }

  readonly broadcast: Broadcast = (t, build) => {
    for (const session of this.sessions.values()) {
      const d = build(session.intents);
      if (d !== undefined) session.dispatch(t, d);
    }
  };

  /** Oldest first, and only sessions without a socket: a connected client never loses its session. */
  private evictDetached(): void {
    for (const [id, session] of this.sessions) {
      if (this.sessions.size <= MAX_SESSIONS) return;
      if (!session.socket) this.sessions.delete(id);
    }
  }
}
