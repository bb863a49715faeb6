import { call, type AgentCoreClients, type Logger } from '@cliver/common';
import type { AdapterRegistry } from './adapter-registry';

/**
 * Reports adapter states to agent-core, which shows them in /health and the gateway status,
 * stamped with the lease token so a deposed leader's stale report is refused.
 */
export class StatusReporter {
  private timer: NodeJS.Timeout | undefined;
  private token = 0;

  constructor(
    private readonly deps: { core: AgentCoreClients; registry: AdapterRegistry; log: Logger; holderId: string; intervalMs: number },
  ) {}

  /** Reports now and then every interval, for the leadership term of `token`. */
  start(token: number): void {
    this.stop();
    this.token = token;
    const report = () => void this.report(token);
    report();
    this.timer = setInterval(report, this.deps.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.token = 0;
  }

  /** A state changed: tell agent-core now rather than at the next interval. */
  reportNow(): void {
    if (this.token) void this.report(this.token);
  }

  private async report(token: number): Promise<void> {
    if (!token) return;
    const { core, registry, log, holderId } = this.deps;
    await call(core.core, core.core.reportAdapterStatus, { holderId, token, adapters: registry.list() }).catch((err: unknown) =>
      log.warn({ err }, 'could not report adapter status to agent-core'),
    );
  }
}
