import { call, type AgentCoreClients, type adapterHostClients, type AdapterStatus, type GetCoreStatusResponse } from '@cliver/common';

/** The seed's `/health` JSON; `unavailable` is added only when something is down. */
export interface HealthBody {
  status: 'ok' | 'degraded';
  uptime: number;
  tasks_run: number;
  platforms: string[];
  adapters: Array<{ name: string; state: string; error: string }>;
  unavailable?: string[];
}

export interface HealthDeps {
  core: AgentCoreClients;
  adapterHost: ReturnType<typeof adapterHostClients>;
  /** Names of the configured platforms, shown even when adapter-host cannot be asked. */
  platformNames: string[];
  now: () => number;
  deadlineMs?: number;
}

const LEASED_SERVICES = ['scheduler', 'adapter-host'] as const;

function adaptersFrom(list: AdapterStatus[]): HealthBody['adapters'] {
  return list.map((a) => ({ name: a.name, state: a.state, error: a.error }));
}

/**
 * Assembles gateway health from agent-core (uptime, runs, leases) and adapter-host (live adapter
 * states). A service that does not answer, or a leased service with no live leader, makes the
 * gateway `degraded` and is named.
 */
export async function gatewayHealth(deps: HealthDeps): Promise<HealthBody> {
  const deadline = deps.deadlineMs ?? 1500;
  const [core, adapters] = await Promise.allSettled([
    call(deps.core.core, deps.core.core.getCoreStatus, {}, deadline),
    call(deps.adapterHost.adapters, deps.adapterHost.adapters.getAdapterStatus, {}, deadline),
  ]);
  const unavailable: string[] = [];
  let coreStatus: GetCoreStatusResponse | undefined;
  if (core.status === 'fulfilled') coreStatus = core.value;
  else unavailable.push('agent-core');
  if (adapters.status === 'rejected') unavailable.push('adapter-host');
  if (coreStatus) {
    for (const name of LEASED_SERVICES) {
      const held = coreStatus.leases.some((l) => l.name === name && l.holder);
      if (!held && !unavailable.includes(name)) unavailable.push(name);
    }
  }
  const adapterList =
    adapters.status === 'fulfilled'
      ? adaptersFrom(adapters.value.adapters)
      : adaptersFrom(coreStatus?.adapters ?? []);
  const body: HealthBody = {
    status: unavailable.length ? 'degraded' : 'ok',
    uptime: coreStatus ? Math.max(0, Math.floor((deps.now() - coreStatus.startedAtMs) / 1000)) : 0,
    tasks_run: coreStatus?.tasksRun ?? 0,
    platforms: deps.platformNames,
    adapters: adapterList.length ? adapterList : deps.platformNames.map((name) => ({ name, state: 'unknown', error: '' })),
  };
  if (unavailable.length) body.unavailable = unavailable;
  return body;
}
