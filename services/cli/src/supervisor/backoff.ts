import { backoffDelayMs } from '@cliver/common';

/**
 * Restart delays for a crashing child: 0.5 s doubling to 10 s; a child that stayed up for a
 * while starts again from the bottom, so one crash a day never waits long.
 */
export class RestartBackoff {
  private failures = 0;

  constructor(
    private readonly baseMs = 500,
    private readonly maxMs = 10_000,
    private readonly healthyAfterMs = 30_000,
  ) {}

  nextDelayMs(uptimeMs: number): number {
    if (uptimeMs >= this.healthyAfterMs) this.failures = 0;
    this.failures += 1;
    return backoffDelayMs(this.failures, { baseMs: this.baseMs, maxMs: this.maxMs });
  }
}
