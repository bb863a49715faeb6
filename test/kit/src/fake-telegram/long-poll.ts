import type { UpdateQueue } from './update-queue';

/** Why a held getUpdates woke up. */
export type WakeReason = 'changed' | 'timeout' | 'closed' | 'superseded';

/**
 * The getUpdates requests being held open. Telegram allows one poll per bot at a time: a newer
 * getUpdates ends the held one with 409 Conflict, which is how two gateways on one token show up.
 */
export class HeldPolls {
  private readonly held = new Set<(reason: WakeReason) => void>();

  constructor(queue: UpdateQueue) {
    queue.onChange(() => this.wakeAll('changed'));
  }

  get count(): number {
    return this.held.size;
  }

  /** Waits for a queued update, the timeout, the client going away, or a newer poll. */
  wait(timeoutMs: number, closed: AbortSignal): Promise<WakeReason> {
    if (closed.aborted) return Promise.resolve('closed');
    return new Promise((resolve) => {
      const done = (reason: WakeReason): void => {
        clearTimeout(timer);
        closed.removeEventListener('abort', onClose);
        this.held.delete(done);
        resolve(reason);
      };
      const onClose = (): void => done('closed');
      const timer = setTimeout(() => done('timeout'), timeoutMs);
      closed.addEventListener('abort', onClose, { once: true });
      this.held.add(done);
    });
  }

  /** A newer getUpdates arrived: every held one is answered with 409. */
  supersede(): void {
    this.wakeAll('superseded');
  }

  private wakeAll(reason: WakeReason): void {
    for (const done of [...this.held]) done(reason);
  }
}
