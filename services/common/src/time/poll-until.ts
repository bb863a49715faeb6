import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions {
  timeoutMs: number;
  /** Pause between checks. */
  intervalMs?: number;
  /** Called with each error `check` throws; the poll goes on (a peer that is still starting). */
  onError?: (err: unknown) => void;
}

/**
 * Checks until `check` returns something other than undefined/false and returns that, or gives
 * undefined once `timeoutMs` passed. For conditions that have no event to wait on: a process
 * answering on a port, a file appearing.
 */
export async function pollUntil<T>(check: () => Promise<T | undefined | false> | T | undefined | false, options: PollOptions): Promise<T | undefined> {
  const { timeoutMs, intervalMs = 100 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (err) {
      options.onError?.(err);
    }
    if (Date.now() >= deadline) return undefined;
    await sleep(intervalMs);
  }
}
