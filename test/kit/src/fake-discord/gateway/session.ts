import { WebSocket } from 'ws';

/** A gateway payload as Discord frames it; `s` and `t` are set on dispatches (op 0) only. */
export interface Frame {
  op: number;
  d: unknown;
  s: number | null;
  t: string | null;
}

// Discord keeps a session's backlog for a few minutes; the fake keeps a number of dispatches instead.
// A RESUME from further back than this is refused as Discord refuses one it cannot replay.
const MAX_HISTORY = 1000;

export function sendFrame(socket: WebSocket | undefined, frame: Frame): void {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
}

/**
 * One gateway session: its sequence number, the dispatches sent in it (RESUME replays them) and its
 * socket while one is attached. Dispatches made while no socket is attached wait in the history.
 */
export class GatewaySession {
  /** The connection dispatches go to; undefined after a drop, until the client resumes. */
  socket: WebSocket | undefined;
  private seq = 0;
  private readonly history: Frame[] = [];

  constructor(
    readonly id: string,
    readonly intents: number,
  ) {}

  get sequence(): number {
    return this.seq;
  }

  dispatch(t: string, d: unknown): void {
    this.seq += 1;
    const frame: Frame = { op: 0, d, s: this.seq, t };
    this.history.push(frame);
    if (this.history.length > MAX_HISTORY) this.history.shift();
    sendFrame(this.socket, frame);
  }

  /**
   * The dispatches after `seq` to replay on RESUME (RESUMED itself is not replayed), or undefined
   * when some of them are no longer kept.
   */
  after(seq: number): Frame[] | undefined {
    const oldest = this.history[0]?.s ?? this.seq + 1;
    if (seq + 1 < oldest) return undefined;
    return this.history.filter((f) => (f.s ?? 0) > seq && f.t !== 'RESUMED');
  }
}
