import { BoundedMap, MAX_RECORDS } from './bounded';
import type { Update } from './types';

// What Telegram leaves out when allowed_updates is empty (Bot API docs, getUpdates).
const OPT_IN_KINDS = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

/** The update kind: its one field besides update_id. */
export function kindOf(update: Update): string {
  return Object.keys(update).find((k) => k !== 'update_id') ?? '';
}

/**
 * Telegram's update queue for one bot. An update stays until a getUpdates `offset` passes it:
 * serving it confirms nothing, so an update whose poll answer was lost is served again. A
 * confirmed update is gone for good, except through replay(), which stands for a redelivery.
 */
export class UpdateQueue {
  private nextId: number;
  private pending: Update[] = [];
  private readonly confirmed = new BoundedMap<number, Update>();
  private replays: Update[] = [];
  private allowed: Set<string> | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(firstUpdateId = 1) {
    this.nextId = firstUpdateId;
  }

  get pendingCount(): number {
    return this.pending.length + this.replays.length;
  }

  /** Queues an update with the next update_id and wakes held polls. */
  push(fields: Omit<Update, 'update_id'>): Update {
    const update = { update_id: this.nextId++, ...fields } as Update;
    // Telegram keeps unconfirmed updates for 24 hours; the fake keeps the newest ones instead.
    if (this.pending.length >= MAX_RECORDS) this.pending.shift();
    this.pending.push(update);
    this.changed();
    return update;
  }

  /** Serves a confirmed (or still pending) update once more on the next poll, whatever its offset. */
  replay(updateId: number): Update {
    const update = this.confirmed.get(updateId) ?? this.pending.find((u) => u.update_id === updateId);
    if (!update) throw new Error(`fake-telegram has no update ${updateId} to replay (it keeps the newest ${MAX_RECORDS})`);
    this.replays.push(update);
    this.changed();
    return update;
  }

  /**
   * A getUpdates offset: every update below it is confirmed. A negative offset keeps only the
   * last -offset updates and forgets the rest, as the Bot API documents.
   */
  confirm(offset: number): void {
    if (offset < 0) {
      for (const u of this.pending.slice(0, Math.max(0, this.pending.length + offset))) this.confirmed.set(u.update_id, u);
      this.pending = this.pending.slice(Math.max(0, this.pending.length + offset));
      return;
    }
    while (this.pending.length > 0 && this.pending[0].update_id < offset) {
      const u = this.pending.shift()!;
      this.confirmed.set(u.update_id, u);
    }
  }

  /** allowed_updates: a list replaces the filter (empty = Telegram's default); it lasts until changed. */
  setAllowed(kinds: string[]): void {
    this.allowed = kinds.length === 0 ? undefined : new Set(kinds);
  }

  /** What one poll gets: replays first, then pending updates from `offset` on, at most `limit`. */
  take(offset: number, limit: number): Update[] {
    // Telegram never stores an update of a kind the bot did not ask for; it is confirmed at once.
    this.pending = this.pending.filter((u) => {
      if (this.isAllowed(u)) return true;
      this.confirmed.set(u.update_id, u);
      return false;
    });
    const replayed = this.replays.splice(0, limit);
    const fresh = this.pending
      .filter((u) => (offset <= 0 || u.update_id >= offset) && !replayed.includes(u))
      .slice(0, limit - replayed.length);
    return [...replayed, ...fresh];
  }

  /** deleteWebhook/setWebhook with drop_pending_updates. */
  dropPending(): void {
    this.confirm(this.nextId);
    this.replays = [];
  }

  /** Calls `listener` whenever an update is queued; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private isAllowed(u: Update): boolean {
    const kind = kindOf(u);
    return this.allowed ? this.allowed.has(kind) : !OPT_IN_KINDS.has(kind);
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
