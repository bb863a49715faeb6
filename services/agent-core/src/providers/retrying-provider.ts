import { AppError, backoffDelayMs, pause } from '@cliver/common';
import type { CompletionRequest, Provider, StreamEvent } from './provider';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  /** A provider's Retry-After is honoured up to this; longer waits fail the turn instead. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 20_000 };

// Failures where the provider did no work for us: it refused (429, 5xx) or was never reached.
// A timeout (provider_timeout) is deliberately absent: the request got there and may still be
// running, and billed, upstream; retrying would pay for it twice and multiply the wait by
// maxAttempts (3 × 120 s before the caller hears anything). It fails the turn at once.
const RETRYABLE = new Set(['provider_rate_limited', 'provider_unavailable', 'provider_unreachable']);


/**
 * Retries a provider call that failed before anything was streamed, for rate limits and
 * outages only, with a bounded number of attempts: a dead provider fails the turn within
 * seconds instead of hanging it. Once text has been streamed a retry would repeat it, so
 * failures after the first event are final.
 */
export class RetryingProvider implements Provider {
  constructor(private readonly inner: Provider, private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY) {}

  async *stream(req: CompletionRequest): AsyncIterable<StreamEvent> {
    for (let attempt = 1; ; attempt++) {
      let started = false;
      try {
        for await (const event of this.inner.stream(req)) {
          started = true;
          yield event;
        }
        return;
      } catch (err) {
        const e = AppError.from(err);
        const retryAfter = e.retryAfterMs;
        const delay = retryAfter ?? backoffDelayMs(attempt, { baseMs: this.policy.baseDelayMs, maxMs: this.policy.maxDelayMs, jitter: 0.2 });
        // A provider asking for a longer wait than we allow fails the turn instead of stalling it.
        const tooLong = retryAfter !== undefined && retryAfter > this.policy.maxDelayMs;
        const give = started || req.signal.aborted || attempt >= this.policy.maxAttempts || !RETRYABLE.has(e.reason ?? '') || tooLong;
        if (give) throw e;
        await pause(delay, req.signal);
        if (req.signal.aborted) throw new AppError('unavailable', 'the request was cancelled', { reason: 'cancelled' });
      }
    }
  }
}
