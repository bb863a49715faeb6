import type { GatewayRecord, IdentifyRecord, ResumeRecord, RestCall, SentMessage, TypingEvent } from './types';

// Recording is unbounded in spirit, but a benchmark sends millions of requests through one fake:
// past the cap the oldest half goes, so memory stays flat and the newest records stay readable.
const MAX_RECORDED = 10_000;

function push<T>(list: T[], item: T): void {
  if (list.length >= MAX_RECORDED) list.splice(0, MAX_RECORDED / 2);
  list.push(item);
}

/** What the bot did: REST calls, created messages, typing, attachment downloads, gateway traffic. */
export class Recorder {
  /** In arrival order; cleared in place by reset(), so a held reference stays current. */
  readonly calls: RestCall[] = [];
  readonly sent: SentMessage[] = [];
  readonly typing: TypingEvent[] = [];
  readonly downloads: string[] = [];
  readonly gateway: GatewayRecord = { connections: 0, heartbeats: 0, identifies: [], resumes: [], closes: [] };

  call(call: RestCall): void {
    push(this.calls, call);
  }

  sentMessage(message: SentMessage): void {
    push(this.sent, message);
  }

  sentById(id: string): SentMessage | undefined {
    return this.sent.find((m) => m.id === id);
  }

  typed(event: TypingEvent): void {
    push(this.typing, event);
  }

  downloaded(path: string): void {
    push(this.downloads, path);
  }

  connected(): void {
    this.gateway.connections += 1;
  }

  heartbeat(): void {
    this.gateway.heartbeats += 1;
  }

  identified(record: IdentifyRecord): void {
    push(this.gateway.identifies, record);
  }

  resumed(record: ResumeRecord): void {
    push(this.gateway.resumes, record);
  }

  closed(code: number): void {
    push(this.gateway.closes, code);
  }

  reset(): void {
    this.calls.length = 0;
    this.sent.length = 0;
    this.typing.length = 0;
    this.downloads.length = 0;
    this.gateway.connections = 0;
    this.gateway.heartbeats = 0;
    this.gateway.identifies.length = 0;
    this.gateway.resumes.length = 0;
    this.gateway.closes.length = 0;
  }
}
