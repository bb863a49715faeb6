import type { AdapterStatus, Config } from '@cliver/common';

/**
 * The state of every configured adapter, as /health and agent-core see it. Platform connections
 * are added by the adapters issue; until then a leader reports each configured platform as not
 * available, which is the truth.
 */
export class AdapterRegistry {
  private states = new Map<string, AdapterStatus>();

  constructor(private readonly platforms: Config['gateway']['platforms']) {
    this.setAll('standby', 'another adapter-host replica is the leader');
  }

  /** This replica leads: connect what can be connected. */
  startAll(): void {
    for (const [name, p] of Object.entries(this.platforms)) {
      this.set(name, 'error', `the ${p.type} adapter is not available in this version yet`);
    }
  }

  stopAll(reason: string): void {
    this.setAll('standby', reason);
  }

  list(): AdapterStatus[] {
    return [...this.states.values()];
  }

  private setAll(state: string, error: string): void {
    for (const name of Object.keys(this.platforms)) this.set(name, state, error);
  }

  private set(name: string, state: string, error: string): void {
    const type = this.platforms[name]?.type ?? '';
    const previous = this.states.get(name);
    this.states.set(name, { name, type, state, error, lastEventAtMs: previous?.lastEventAtMs ?? 0 });
  }
}
