import { agentCoreClients, bootService, EXIT, internalAddress, startLeasedService } from '@cliver/common';
import { Clock } from './clock';
import { schedulerRpc } from './rpc/scheduler-rpc';

async function main(): Promise<void> {
  const ctx = bootService('scheduler', process.argv.slice(2), process.env);
  const core = agentCoreClients(internalAddress(ctx.config, 'agent-core'), ctx.internalKey);
  // Task firing arrives with the scheduling issue; the clock already runs only on the leader.
  const clock = new Clock(1000, () => undefined);
  await startLeasedService({
    ctx,
    core,
    leaseName: 'scheduler',
    services: (keeper) => [schedulerRpc(ctx.log, clock, keeper)],
    onAcquired: () => clock.start(),
    onLost: () => clock.stop(),
    stopWork: [{ name: 'stop clock', run: () => clock.stop() }],
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`scheduler failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(EXIT.FAILED);
});
