import { dirname } from 'node:path';
import { agentCoreClients, bootService, EXIT, internalAddress, startLeasedService, type LeaseKeeper } from '@cliver/common';
import { recentConversations } from './inbound/recent-conversations';
import { recordInbound } from './inbound/record-inbound';
import { DeliveryLoop } from './outbound/delivery-loop';
import { adapterHostRpc } from './rpc/adapter-host-rpc';
import { AdapterRegistry } from './status/adapter-registry';
import { StatusReporter } from './status/status-reporter';

async function main(): Promise<void> {
  const ctx = bootService('adapter-host', process.argv.slice(2), process.env);
  const core = agentCoreClients(internalAddress(ctx.config, 'agent-core'), ctx.internalKey);
  let keeper: LeaseKeeper | undefined;
  const fence = () => (keeper?.isLeader ? { holderId: ctx.identity.id, token: keeper.leaseToken } : undefined);
  const registry = new AdapterRegistry({
    platforms: ctx.config.gateway.platforms,
    configDir: dirname(ctx.paths.configFile),
    log: ctx.log,
    record: (adapter, message) => recordInbound(core, fence, adapter, message),
    recent: (adapter, sinceMs) => recentConversations(core, fence, adapter, sinceMs),
    onChange: () => reporter.reportNow(),
  });
  const reporter = new StatusReporter({ core, registry, log: ctx.log, holderId: ctx.identity.id, intervalMs: 5000 });
  const delivery = new DeliveryLoop({ core, fence, adapters: () => registry.adapters(), log: ctx.log.child({ component: 'delivery' }) });
  const stopWork = async (reason: string) => {
    reporter.stop();
    await delivery.stop();
    await registry.stopAll(reason);
  };
  await startLeasedService({
    ctx,
    core,
    leaseName: 'adapter-host',
    services: (k) => {
      keeper = k;
      return [adapterHostRpc(ctx.log, registry, k)];
    },
    onAcquired: async (token) => {
      reporter.start(token);
      await registry.startAll();
      delivery.start();
    },
    onLost: (reason) => stopWork(reason),
    stopWork: [{ name: 'stop adapters', run: () => stopWork('adapter-host is stopping') }],
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`adapter-host failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(EXIT.FAILED);
});
