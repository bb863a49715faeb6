import type { RecordedCall } from './types';

interface Rule {
  /** Lowercased; undefined holds every Bot API method. */
  method?: string;
  skip: number;
  count: number;
}

interface Held {
  call: RecordedCall;
  resume: (go: boolean) => void;
}

/**
 * Calls held back before Telegram processes them, as a request still in flight: release() lets
 * them through. One whose client went away meanwhile (a killed adapter) is dropped unprocessed, so
 * a test can kill a sender mid-delivery and count the messages that really were posted.
 */
export class Holds {
  private rules: Rule[] = [];
  private waiting: Held[] = [];

  add(method: string | undefined, skip: number, count: number): void {
    if (!Number.isInteger(count) || count < 1) throw new Error(`fake-telegram: holdNext needs a count of at least 1, got ${count}`);
    this.rules.push({ method: method?.toLowerCase(), skip, count });
  }

  /** Whether this call is to be held: the first matching rule skips, then holds, its calls. */
  shouldHold(method: string): boolean {
    const name = method.toLowerCase();
    const rule = this.rules.find((r) => r.method === undefined || r.method === name);
    if (!rule) return false;
    if (rule.skip > 0) {
      rule.skip--;
      return false;
    }
    if (--rule.count === 0) this.rules = this.rules.filter((r) => r !== rule);
    return true;
  }

  /** Resolves true when released, false when the client went away first. */
  wait(call: RecordedCall, closed: AbortSignal): Promise<boolean> {
    if (closed.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const held: Held = {
        call,
        resume: (go) => {
          closed.removeEventListener('abort', onClose);
          this.waiting = this.waiting.filter((h) => h !== held);
          resolve(go);
        },
      };
      const onClose = (): void => held.resume(false);
      closed.addEventListener('abort', onClose, { once: true });
      this.waiting.push(held);
    });
  }

  held(): RecordedCall[] {
    return this.waiting.map((h) => h.call);
  }

  /** Lets every held call through and forgets the hold rules; returns how many were released. */
  release(): number {
    const released = [...this.waiting];
    this.rules = [];
    for (const h of released) h.resume(true);
    return released.length;
  }
}
