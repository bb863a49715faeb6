import type { Failure } from './types';

interface Pending {
  /** Lowercased; undefined matches every Bot API method (not file downloads). */
  method?: string;
  left: number;
  failure: Failure;
}

/** The failures failNext() queued, used up by the next matching calls in the order they were queued. */
export class Faults {
  private queue: Pending[] = [];

  add(n: number, failure: Failure, method?: string): void {
    if (!Number.isInteger(n) || n < 1) throw new Error(`fake-telegram: failNext needs a count of at least 1, got ${n}`);
    this.queue.push({ method: method?.toLowerCase(), left: n, failure });
  }

  /** The failure for this call, if one is queued; `file` (a download) matches only failures that name it. */
  take(method: string): Failure | undefined {
    const name = method.toLowerCase();
    const entry = this.queue.find((p) => (p.method === undefined ? name !== 'file' : p.method === name));
    if (!entry) return undefined;
    if (--entry.left === 0) this.queue = this.queue.filter((p) => p !== entry);
    return entry.failure;
  }

  clear(): void {
    this.queue = [];
  }
}
