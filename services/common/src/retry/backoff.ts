export interface BackoffPolicy {
  /** Delay after the first failure. */
  baseMs: number;
  /** No delay is longer than this. */
  maxMs: number;
  /**
   * Spread as a share of the delay (0.2 = ±20 %), so peers that failed together do not retry
   * together; 0 for exact delays (a local child process has no herd).
   */
  jitter?: number;
}

/**
 * The delay before retry number `failures` (1 = after the first failure): `baseMs` doubling per
 * failure up to `maxMs`, then jittered. The one backoff of the code base: provider retries, MCP
 * reconnects and the supervisor's restarts all use it. `random` is passed in so tests get exact
 * numbers.
 */
export function backoffDelayMs(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const plain = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const jitter = policy.jitter ?? 0;
  return Math.round(Math.min(policy.maxMs, plain * (1 - jitter + 2 * jitter * random())));
}
