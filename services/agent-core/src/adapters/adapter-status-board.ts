import type { AdapterStatus } from '@cliver/common';

/**
 * The adapter states adapter-host last reported. Live state, not history: it is rebuilt by the
 * next report after a restart, so it stays in memory.
 */
export class AdapterStatusBoard {
  private adapters: AdapterStatus[] = [];
  private reportedAtMs = 0;

  update(adapters: AdapterStatus[], nowMs: number): void {
    this.adapters = adapters;
    this.reportedAtMs = nowMs;
  }

  snapshot(): { adapters: AdapterStatus[]; reportedAtMs: number } {
    return { adapters: this.adapters, reportedAtMs: this.reportedAtMs };
  }
}
