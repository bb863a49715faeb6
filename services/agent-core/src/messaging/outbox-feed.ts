import type { Address, OutboxEntry, OutboxRepo } from '../store/outbox-repo';

/** One open StreamOutbox call: the lease holder's delivery loop. */
export interface FeedSubscriber {
  adapters: ReadonlySet<string>;
  /** The lease token the stream was opened with; a newer one replaces it. */
  token: number;
  sendEntry(entry: OutboxEntry): void;
  sendActivity(address: Address, running: boolean): void;
  /** Ends the stream (a newer lease holder subscribed). */
  end(reason: string): void;
}

/**
 * Hands outbox entries to the delivery loop of adapter-host: everything due when it subscribes,
 * then each entry as it is written or becomes due again after a failed attempt. An entry is
 * offered to a stream once; it is offered again only to a later stream, or after its retry time.
 */
export class OutboxFeed {
  private readonly subscribers = new Map<FeedSubscriber, Set<number>>();
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly outbox: OutboxRepo, private readonly now: () => number = Date.now) {}

  subscribe(sub: FeedSubscriber): () => void {
    for (const other of [...this.subscribers.keys()]) {
      if (other.token < sub.token && [...other.adapters].some((a) => sub.adapters.has(a))) {
        this.subscribers.delete(other);
        other.end('a newer adapter-host lease holder took over the delivery');
      }
    }
    this.subscribers.set(sub, new Set());
    this.notify();
    return () => void this.subscribers.delete(sub);
  }

  /** Offers every due entry that a stream has not been given yet. */
  notify(): void {
    const nowMs = this.now();
    for (const [sub, offered] of this.subscribers) {
      for (const entry of this.outbox.due([...sub.adapters], nowMs)) {
        if (offered.has(entry.id)) continue;
        offered.add(entry.id);
        sub.sendEntry(entry);
      }
    }
    this.scheduleRetry(nowMs);
  }

  /** The entry was delivered, failed for good, or is to be retried later: forget the offer. */
  settled(entryId: number): void {
    for (const offered of this.subscribers.values()) offered.delete(entryId);
    this.notify();
  }

  activity(address: Address, running: boolean): void {
    for (const sub of this.subscribers.keys()) if (sub.adapters.has(address.adapter)) sub.sendActivity(address, running);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  stop(): void {
    clearTimeout(this.retryTimer);
    for (const sub of this.subscribers.keys()) sub.end('agent-core is shutting down');
    this.subscribers.clear();
  }

  private scheduleRetry(nowMs: number): void {
    clearTimeout(this.retryTimer);
    const at = this.outbox.nextRetryAtMs(nowMs);
    if (at === undefined || !this.subscribers.size) return;
    this.retryTimer = setTimeout(() => this.notify(), Math.max(10, at - nowMs));
    this.retryTimer.unref();
  }
}
