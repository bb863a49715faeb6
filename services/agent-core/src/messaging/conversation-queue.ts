import type { Logger } from '@cliver/common';
import type { InboundItem, InboundRepo } from '../store/inbound-repo';

/** Runs one recorded message to its end (answer, notice or failure); rejects only on a bug. */
export type RunMessage = (item: InboundItem, signal: AbortSignal) => Promise<void>;

export interface ConversationQueueOptions {
  inbound: InboundRepo;
  run: RunMessage;
  /** Conversations whose turns may run at the same time; one conversation never runs two. */
  maxParallel: number;
  log: Logger;
  /** Called when a conversation's turn starts and when it ends (typing indicators). */
  onActivity?: (item: InboundItem, running: boolean) => void;
}

/**
 * The per-conversation FIFO over the persisted queue: a message that arrives while its
 * conversation's turn runs waits in the store and runs next, in arrival order; other
 * conversations run in parallel up to `maxParallel`. Nothing lives only in memory: after a
 * restart `start()` picks the queue up where it was.
 */
export class ConversationQueue {
  private readonly running = new Map<string, AbortController>();
  private readonly finished = new Set<Promise<void>>();
  private isStopped = true;
  private pumping = false;
  private pumpAgain = false;

  constructor(private readonly o: ConversationQueueOptions) {}

  /** Requeues turns a crash cut off, then starts working through the queue. */
  start(): void {
    const requeued = this.o.inbound.requeueInterrupted();
    if (requeued) this.o.log.info({ requeued }, 'messages whose turn was interrupted are queued again');
    this.isStopped = false;
    this.wake();
  }

  /** A message was recorded (or a turn ended): start whatever may start now. */
  wake(): void {
    if (this.isStopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        this.pump();
      } while (this.pumpAgain && !this.isStopped);
    } finally {
      this.pumping = false;
    }
  }

  get busy(): number {
    return this.running.size;
  }

  /**
   * Stops taking messages; running turns get `graceMs` to finish, then are stopped and put back
   * in their queue (they run again after the next start, and their reply is still written once).
   */
  async stop(graceMs: number): Promise<void> {
    this.isStopped = true;
    const all = Promise.all(this.finished);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
    if ((await Promise.race([all, timedOut])) === 'timeout') {
      for (const controller of this.running.values()) controller.abort();
      await all;
    }
    clearTimeout(timer);
  }

  private pump(): void {
    const free = this.o.maxParallel - this.running.size;
    if (free <= 0) return;
    for (const item of this.o.inbound.runnable(new Set(this.running.keys()), free)) this.begin(item);
  }

  private begin(item: InboundItem): void {
    const controller = new AbortController();
    this.running.set(item.conversation, controller);
    this.o.inbound.markRunning(item.id);
    this.o.onActivity?.(item, true);
    const done: Promise<void> = this.o
      .run(item, controller.signal)
      .catch((err: unknown) => {
        // The runner answers every outcome itself; reaching here is a bug. The row stays as the
        // dead-letter record (not queued again, which would loop on the same bug).
        this.o.log.error({ err, inboundId: item.id }, 'message runner failed');
        this.o.inbound.markFailed(item.id, 'internal error while running the message', new Date());
      })
      .finally(() => {
        if (controller.signal.aborted) this.o.inbound.markQueued(item.id);
        this.running.delete(item.conversation);
        this.finished.delete(done);
        this.o.onActivity?.(item, false);
        this.wake();
      });
    this.finished.add(done);
  }
}
