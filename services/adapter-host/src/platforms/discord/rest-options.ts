import { createHash } from 'node:crypto';

// Discord keeps a nonce string of at most 25 characters (enforce_nonce dedupes on it).
const NONCE_LENGTH = 25;

/**
 * The REST root discord.js's `rest.api` takes. discord.js appends `/v10` itself, so the
 * `https://discord.com/api/v10` that Discord's docs show would become `/api/v10/v10` and answer 404
 * to everything: a trailing version is dropped.
 */
export function restRoot(apiUrl: string): string {
  return apiUrl.replace(/\/+$/, '').replace(/\/v\d+$/, '');
}

/**
 * The nonce of one send, stable per idempotency key. A hash of the whole key, not its first 25
 * characters: keys are `<entry id>:<chunk>`, and a long entry id would give every chunk of an entry
 * the same prefix, so Discord would drop chunk 2 as a repeat of chunk 1.
 */
export function nonceFor(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, NONCE_LENGTH);
}

/**
 * @discordjs/rest's `rejectOnRateLimit`: it waits out every rate limit by itself, a global one of
 * minutes included, and meanwhile the delivery loop is stuck on that one send. A wait longer than
 * `maxWaitMs` is thrown as RateLimitError instead, which becomes DeliveryError(retryAfterMs).
 */
export function rejectLongRateLimits(maxWaitMs: number): (limit: { retryAfter: number; timeToReset: number }) => boolean {
  return (limit) => Math.max(limit.retryAfter, limit.timeToReset) > maxWaitMs;
}
