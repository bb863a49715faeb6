import type { FailSpec, RestCall } from '../types';
import { routeMatches } from './routes';

interface Fault {
  remaining: number;
  spec: FailSpec;
}

export interface FaultAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const STATUS_TEXT: Record<number, string> = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

/** failNext() faults, oldest first; each answers the next `n` requests it matches. */
export class FaultQueue {
  private faults: Fault[] = [];

  add(n: number, spec: FailSpec): void {
    if (!Number.isInteger(n) || n < 1) throw new Error(`fake-discord failNext(n): n must be a whole number ≥ 1, got ${n}`);
    this.faults.push({ remaining: n, spec });
  }

  /** The fault for this call, used up by one. */
  take(call: RestCall): FailSpec | undefined {
    const fault = this.faults.find((f) => routeMatches(f.spec.match, call));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault.spec;
  }

  clear(): void {
    this.faults = [];
  }
}

/**
 * A 429 as Discord sends it. @discordjs/rest reads only the headers: `retry-after` sets the wait, and
 * `x-ratelimit-global` makes it block every route; it then retries by itself. Discord rounds the
 * `retry-after` header up to whole seconds; the fake sends the exact value so tests can wait 200 ms.
 */
function rateLimited(spec: Extract<FailSpec, { status: 429 }>, route: string, nowMs: number): FaultAnswer {
  const retryAfter = spec.retryAfter ?? 1;
  const body = { message: 'You are being rate limited.', retry_after: retryAfter, global: spec.global === true };
  if (spec.global) return { status: 429, headers: { 'retry-after': String(retryAfter), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' }, body };
  const headers = {
    'retry-after': String(retryAfter),
    'x-ratelimit-limit': '5',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': ((nowMs + retryAfter * 1000) / 1000).toFixed(3),
    'x-ratelimit-reset-after': retryAfter.toFixed(3),
    'x-ratelimit-bucket': Buffer.from(route).toString('hex').slice(0, 32),
    'x-ratelimit-scope': 'user',
  };
  return { status: 429, headers, body };
}

export function faultAnswer(spec: FailSpec, route: string, nowMs: number): FaultAnswer {
  if (spec.status === 429) return rateLimited(spec, route, nowMs);
  return { status: spec.status, headers: {}, body: { message: `${spec.status}: ${STATUS_TEXT[spec.status]}`, code: 0 } };
}
