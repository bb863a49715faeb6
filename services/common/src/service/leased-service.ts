import { closeClients, type AgentCoreClients } from '../rpc/clients';
import { LeaseKeeper } from '../rpc/lease-keeper';
import { startGrpcServer, type GrpcService, type RunningGrpcServer } from '../rpc/serve';
import { serviceInfoService, ServiceRole, VERSION } from '../rpc/service-info';
import { announceReady, handleShutdown, type ShutdownStep } from '../lifecycle/shutdown';
import type { ServiceContext } from './boot';

export interface LeasedServiceOptions {
  ctx: ServiceContext;
  /** Clients of agent-core, where the lease lives; closed on shutdown. */
  core: AgentCoreClients;
  /** The lease name; replicas of one service compete for the same name. */
  leaseName: string;
  /** The service's own gRPC services; the keeper tells them whether this replica leads. */
  services: (keeper: LeaseKeeper) => GrpcService[];
  onAcquired: (token: number) => void | Promise<void>;
  onLost: (reason: string) => void | Promise<void>;
  /** Stops leader work before the lease is released. */
  stopWork: ShutdownStep[];
}

export interface LeasedService {
  keeper: LeaseKeeper;
  server: RunningGrpcServer;
}

/**
 * Runs a service that must have exactly one active replica (adapter-host, scheduler): its gRPC
 * server answers at once, and the work starts only while this replica holds the lease in
 * agent-core. Shutdown stops the work, then releases the lease so a standby takes over at once.
 */
export async function startLeasedService(opts: LeasedServiceOptions): Promise<LeasedService> {
  const { ctx, core } = opts;
  const keeper = new LeaseKeeper({
    name: opts.leaseName,
    holder: ctx.identity,
    ttlMs: ctx.config.gateway.lease_ttl_seconds * 1000,
    client: core.lease,
    log: ctx.log,
    onAcquired: opts.onAcquired,
    onLost: opts.onLost,
  });
  await ctx.startGate();
  const server = await startGrpcServer(ctx.listen, [
    ...opts.services(keeper),
    serviceInfoService(ctx.log, () => ({
      service: ctx.service,
      host: ctx.identity.host,
      pid: ctx.identity.pid,
      startedAtMs: ctx.startedAtMs,
      version: VERSION,
      role: keeper.isLeader ? ServiceRole.SERVICE_ROLE_LEADER : ServiceRole.SERVICE_ROLE_STANDBY,
      leaseToken: keeper.leaseToken,
      agent: ctx.paths.agent,
    })),
  ], ctx.log, { internalKey: ctx.internalKey });
  keeper.start();
  announceReady();
  ctx.log.info({ listen: ctx.listen, port: server.port, lease: opts.leaseName }, `${ctx.service} ready; waiting for its lease`);
  handleShutdown({
    log: ctx.log,
    watchParent: ctx.supervised,
    steps: [
      ...opts.stopWork,
      { name: 'release lease', run: () => keeper.stop() },
      { name: 'stop gRPC', run: () => server.close(2000) },
      { name: 'close clients', run: () => closeClients(core) },
    ],
  });
  return { keeper, server };
}
