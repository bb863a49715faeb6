import { agentCoreClients, bootService, EXIT, internalAddress, startLeasedService } from '@cliver/common';
import { adapterHostRpc } from './rpc/adapter-host-rpc';
import { AdapterRegistry } from './status/adapter-registry';
import { StatusReporter } from './status/status-reporter';

async function main(): Promise<void> {
  const ctx = bootService('adapter-host', process.argv.slice(2), process.env);
  const core = agentCoreClients(internalAddress(ctx.config, 'agent-core'));
  const registry = new AdapterRegistry(ctx.config.gateway.platforms);
  const reporter = new StatusReporter({ core, registry, log: ctx.log, holderId: ctx.identity.id, intervalMs: 5000 });
  await startLeasedService({
    ctx,
    core,
    leaseName: 'adapter-host',
    services: (keeper) => [adapterHostRpc(ctx.log, registry, keeper)],
    onAcquired: (token) => {
      registry.startAll();
      reporter.start(token);
    },
    onLost: (reason) => {
      reporter.stop();
      registry.stopAll(reason);
    },
    stopWork: [{ name: 'stop adapters', run: () => (reporter.stop(), registry.stopAll('adapter-host is stopping')) }],
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`adapter-host failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(EXIT.FAILED);
});
