import { AppError } from '@cliver/common';
import type { Address, OutboxEntry, OutboxRepo } from '../store/outbox-repo';

/** One open StreamOutbox call: the lease holder's delivery loop. */
export interface FeedSubscriber {
  adapters: ReadonlySet<string>;
  /** The lease token the stream was opened with; a newer one replaces it. */
  token: number;
  /**
   * Whether the stream's lease is still the live one. Asked before every send: a holder that
   * lost its lease (paused, then replaced) must not be handed replies to post.
   */
  isCurrent(): boolean;
  sendEntry(entry: OutboxEntry): void;
  sendActivity(address: Address, running: boolean): void;
  /** Ends the stream with this error (its lease changed hands, or agent-core stops). */
  end(err: AppError): void;
}

const staleLease = () =>
  new AppError('failed_precondition', 'the adapter-host lease changed hands: this delivery stream is no longer the lease holder\'s. Acquire the lease again and open a new stream.', {
    reason: 'stale_fencing_token',
  });

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
      if (other.token < sub.token && [...other.adapters].some((a) => sub.adapters.has(a))) this.drop(other, staleLease());
    }
    this.subscribers.set(sub, new Set());
    this.notify();
    return () => void this.subscribers.delete(sub);
  }

  /** Offers every due entry that a stream has not been given yet. */
  notify(): void {
    const nowMs = this.now();
    for (const [sub, offered] of this.subscribers) {
      if (!this.stillCurrent(sub)) continue;
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
    for (const sub of [...this.subscribers.keys()]) if (sub.adapters.has(address.adapter) && this.stillCurrent(sub)) sub.sendActivity(address, running);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  stop(): void {
    clearTimeout(this.retryTimer);
    const stopping = new AppError('unavailable', 'agent-core is shutting down; open the delivery stream again once it is back', { reason: 'shutting_down' });
    for (const sub of [...this.subscribers.keys()]) this.drop(sub, stopping);
  }

  private stillCurrent(sub: FeedSubscriber): boolean {
    if (sub.isCurrent()) return true;
    this.drop(sub, staleLease());
    return false;
  }

  private drop(sub: FeedSubscriber, err: AppError): void {
    if (!this.subscribers.delete(sub)) return;
    sub.end(err);
  }

  private scheduleRetry(nowMs: number): void {
    clearTimeout(this.retryTimer);
    const at = this.outbox.nextRetryAtMs(nowMs);
    if (at === undefined || !this.subscribers.size) return;
    this.retryTimer = setTimeout(() => this.notify(), Math.max(10, at - nowMs));
    this.retryTimer.unref();
  }
}
