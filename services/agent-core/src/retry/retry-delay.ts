export interface RetryDelayPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * Delay before reconnect attempt `failures` (1 = after the first failure): base doubling per
 * failure, capped at max, with ±20% jitter so servers that failed together do not retry together.
 * `random` is passed in so tests get exact numbers.
 */
export function retryDelayMs(failures: number, policy: RetryDelayPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const plain = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(Math.min(policy.maxMs, plain * (0.8 + 0.4 * random())));
}
