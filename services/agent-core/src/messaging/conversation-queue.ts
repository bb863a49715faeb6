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
interface RunningTurn {
  inboundId: number;
  controller: AbortController;
}

export class ConversationQueue {
  private readonly running = new Map<string, RunningTurn>();
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
   * A turn that ignores the stop (a tool stuck in I/O) gets another `graceMs`; then its message
   * is requeued anyway, so shutdown never waits on it for good.
   */
  async stop(graceMs: number): Promise<void> {
    this.isStopped = true;
    const all = Promise.all(this.finished);
    if (await settlesWithin(all, graceMs)) return;
    for (const turn of this.running.values()) turn.controller.abort();
    if (await settlesWithin(all, graceMs)) return;
    for (const turn of this.running.values()) {
      this.o.log.warn({ inboundId: turn.inboundId }, 'a stopped turn did not end; its message is queued again');
      this.o.inbound.markQueued(turn.inboundId);
    }
  }

  private pump(): void {
    const free = this.o.maxParallel - this.running.size;
    if (free <= 0) return;
    for (const item of this.o.inbound.runnable(new Set(this.running.keys()), free)) this.begin(item);
  }

  private begin(item: InboundItem): void {
    const controller = new AbortController();
    this.running.set(item.conversation, { inboundId: item.id, controller });
    this.o.inbound.markRunning(item.id);
    this.o.onActivity?.(item, true);
    const done: Promise<void> = Promise.resolve()
      .then(() => this.o.run(item, controller.signal))
      .catch((err: unknown) => this.runnerFailed(item, err))
      .finally(() => {
        this.running.delete(item.conversation);
        this.finished.delete(done);
        this.settle(item, controller.signal.aborted);
      });
    this.finished.add(done);
  }

  // The runner answers every outcome itself; reaching here is a bug. The row stays as the
  // dead-letter record (not queued again, which would loop on the same bug).
  private runnerFailed(item: InboundItem, err: unknown): void {
    this.o.log.error({ err, inboundId: item.id }, 'message runner failed');
    this.guard(() => this.o.inbound.markFailed(item.id, 'internal error while running the message', new Date()));
  }

  private settle(item: InboundItem, aborted: boolean): void {
    if (aborted) this.guard(() => this.o.inbound.markQueued(item.id));
    else this.guard(() => this.closeUnsettled(item));
    this.guard(() => this.o.onActivity?.(item, false));
    this.wake();
  }

  // A run that ended without writing an outcome would leave its conversation's head `running`,
  // and every later message of the conversation would wait behind it until the next restart.
  private closeUnsettled(item: InboundItem): void {
    if (this.o.inbound.get(item.id)?.status !== 'running') return;
    this.o.log.error({ inboundId: item.id }, 'message runner ended without an outcome');
    this.o.inbound.markFailed(item.id, 'the turn ended without an answer', new Date());
  }

  // Book-keeping after a turn must not throw out of a promise chain nobody awaits (an unhandled
  // rejection ends the process); the store is closed only at the very end of shutdown.
  private guard(work: () => void): void {
    try {
      work();
    } catch (err) {
      this.o.log.error({ err }, 'message queue book-keeping failed');
    }
  }
}

async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
