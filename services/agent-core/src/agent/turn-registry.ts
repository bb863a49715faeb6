import { AppError } from '@cliver/common';

/** Running turns by request id, so a stop from the portal can cancel one. */
export class TurnRegistry {
  private readonly running = new Map<string, AbortController>();

  /** Registers a turn; the controller is removed when `done` is called. */
  start(requestId: string): { signal: AbortSignal; abort: (reason: string) => void; done: () => void } {
    if (this.running.has(requestId)) {
      throw new AppError('already_exists', `a turn with request_id "${requestId}" is already running`, { field: 'request_id', reason: 'duplicate_request_id' });
    }
    const controller = new AbortController();
    this.running.set(requestId, controller);
    return {
      signal: controller.signal,
      abort: (reason) => controller.abort(new AppError('unavailable', reason, { reason: 'cancelled' })),
      done: () => this.running.delete(requestId),
    };
  }

  cancel(requestId: string): boolean {
    const controller = this.running.get(requestId);
    controller?.abort(new AppError('unavailable', 'the turn was stopped', { reason: 'cancelled' }));
    return !!controller;
  }

  get size(): number {
    return this.running.size;
  }
}
