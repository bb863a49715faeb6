import { timingSafeEqual } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '@cliver/common';

function sameSecret(given: string, expected: Buffer): boolean {
  const g = Buffer.from(given);
  return g.length === expected.length && timingSafeEqual(g, expected);
}

function tooMany(res: RateLimiterRes): AppError {
  return new AppError('resource_exhausted', 'Too many requests with a missing or wrong API key; try again later.', {
    reason: 'too_many_auth_failures',
    retryAfterMs: Math.max(1000, res.msBeforeNext),
  });
}

/**
 * Bearer-key check for /v1 (constant-time). Without a configured key, /v1 is open (gateway-api then
 * binds loopback only). Only failed checks are charged to the client's address; past `limit`
 * within the window every request from it gets 429, so guessing the key is impractical while
 * a busy client with the right key is never slowed.
 */
export class ApiKeyGuard {
  private readonly expected: Buffer | undefined;
  private readonly limiter: RateLimiterMemory;

  constructor(apiKey: string | undefined, failures: { windowMs: number; limit: number }) {
    this.expected = apiKey ? Buffer.from(apiKey) : undefined;
    this.limiter = new RateLimiterMemory({ points: failures.limit, duration: Math.ceil(failures.windowMs / 1000) });
  }

  /** Resolves when the request may go on; rejects with the AppError to answer otherwise. */
  async check(authorization: string | undefined, address: string): Promise<void> {
    if (!this.expected) return;
    const seen = await this.limiter.get(address);
    if (seen && seen.remainingPoints <= 0) throw tooMany(seen);
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    if (match && sameSecret(match[1]!.trim(), this.expected)) return;
    const charged = await this.limiter.consume(address).catch((res: RateLimiterRes) => res);
    if (charged.remainingPoints < 0) throw tooMany(charged);
    throw match
      ? new AppError('unauthenticated', 'Incorrect API key provided.', { reason: 'invalid_api_key' })
      : new AppError('unauthenticated', "You didn't provide an API key. Send it as 'Authorization: Bearer YOUR_KEY'.", { reason: 'missing_api_key' });
  }
}
