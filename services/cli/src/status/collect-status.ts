import {
  agentCoreClients,
  adapterHostClients,
  call,
  checkHealth,
  closeClients,
  internalAddress,
  SERVICE_NAMES,
  serviceInfoClient,
  type AdapterStatus,
  type Config,
  type GetCoreStatusResponse,
  type ServiceInfo,
  type ServiceName,
} from '@cliver/common';

export interface ServiceState {
  service: ServiceName;
  address: string;
  healthy: boolean;
  info?: ServiceInfo;
  error?: string;
}

export interface GatewayState {
  services: ServiceState[];
  core?: GetCoreStatusResponse;
  adapters: AdapterStatus[];
}

const DEADLINE_MS = 1500;

async function probe(service: ServiceName, address: string, internalKey: string | undefined): Promise<ServiceState> {
  const client = serviceInfoClient(address, internalKey);
  try {
    const [health, res] = await Promise.all([checkHealth(address, DEADLINE_MS, internalKey), call(client, client.getServiceInfo, {}, DEADLINE_MS)]);
    return { service, address, healthy: health === 'SERVING', info: res.info };
  } catch (err) {
    return { service, address, healthy: false, error: (err as Error).message };
  } finally {
    client.close();
  }
}

/** Asks every service at its configured address, with the gateway's internal key. */
export async function collectStatus(config: Config, internalKey: string | undefined): Promise<GatewayState> {
  const services = await Promise.all(SERVICE_NAMES.map((s) => probe(s, internalAddress(config, s), internalKey)));
  const core = agentCoreClients(internalAddress(config, 'agent-core'), internalKey);
  const host = adapterHostClients(internalAddress(config, 'adapter-host'), internalKey);
  try {
    const [coreStatus, adapters] = await Promise.allSettled([
      call(core.core, core.core.getCoreStatus, {}, DEADLINE_MS),
      call(host.adapters, host.adapters.getAdapterStatus, {}, DEADLINE_MS),
    ]);
    return {
      services,
      core: coreStatus.status === 'fulfilled' ? coreStatus.value : undefined,
      adapters: adapters.status === 'fulfilled' ? adapters.value.adapters : [],
    };
  } finally {
    closeClients(core);
    closeClients(host);
  }
}
