import { join } from 'node:path';
import {
  announceReady,
  AppError,
  bootService,
  EXIT,
  handleShutdown,
  serviceInfoService,
  ServiceRole,
  startGrpcServer,
  VERSION,
} from '@cliver/common';
import { AdapterStatusBoard } from './adapters/adapter-status-board';
import { holderLiveness } from './leases/holder-liveness';
import { takeOwnLease } from './leases/own-lease';
import { buildAgent } from './agent/build-agent';
import { buildMessaging } from './messaging/build-messaging';
import { agentRpc } from './rpc/agent-rpc';
import { coreRpc } from './rpc/core-rpc';
import { sessionsRpc } from './rpc/sessions-rpc';
import { leaseRpc } from './rpc/lease-rpc';
import { openStore } from './store/db';
import { LeaseRepo } from './store/lease-repo';
import { StatusRepo } from './store/status-repo';

async function main(): Promise<void> {
  const ctx = bootService('agent-core', process.argv.slice(2), process.env);
  const { log, config, identity } = ctx;
  const now = Date.now;
  const dbFile = join(ctx.paths.agentDir, 'gateway.db');

  let store;
  try {
    store = openStore(dbFile);
  } catch (err) {
    const e = AppError.from(err);
    log.fatal({ err, dbFile }, 'cannot open the store');
    process.stderr.write(`agent-core: ${e.code === 'internal' ? (err as Error).message : e.message}\n`);
    process.exit(EXIT.FAILED);
  }
  const { db, migration } = store;
  if (migration.applied.length) log.info({ dbFile, ...migration }, 'store migrated');

  const leases = new LeaseRepo(db, holderLiveness(identity));
  const ttlMs = config.gateway.lease_ttl_seconds * 1000;
  let ownLease;
  try {
    ownLease = takeOwnLease({ leases, holder: identity, ttlMs, now, log, onLost: () => process.exit(EXIT.FAILED) });
  } catch (err) {
    db.close();
    const e = AppError.from(err);
    if (e.reason !== 'lease_held') throw err;
    log.error({ reason: e.reason }, e.message);
    log.flush();
    process.stderr.write(`${e.message}\n`);
    process.exit(EXIT.LEASE_HELD);
  }

  const built = await buildAgent({ config, paths: ctx.paths, store, log, hostEnv: process.env, cwd: process.cwd() });
  const messaging = buildMessaging({ config, store, agent: built, leases, agentDir: ctx.paths.agentDir, maxParallel: config.agent.max_parallel_conversations, log, now });
  const server = await startGrpcServer(ctx.listen, [
    messaging.rpc,
    agentRpc(log, built.agent, built.turns, built.catalog),
    sessionsRpc(log, built.sessions),
    leaseRpc(log, leases, now),
    coreRpc({ log, leases, status: new StatusRepo(db), board: new AdapterStatusBoard(), startedAtMs: ctx.startedAtMs, now }),
    serviceInfoService(log, () => ({
      service: 'agent-core',
      host: identity.host,
      pid: identity.pid,
      startedAtMs: ctx.startedAtMs,
      version: VERSION,
      role: ServiceRole.SERVICE_ROLE_SINGLE,
      leaseToken: ownLease.token,
      agent: ctx.paths.agent,
    })),
  ], log, { internalKey: ctx.internalKey }).catch((err: unknown) => {
    // Without a server nobody can use this core: give the lease back so a retry can take it.
    ownLease.release();
    db.close();
    throw err;
  });
  messaging.queue.start();
  announceReady();
  log.info({ listen: ctx.listen, port: server.port, dbFile, agent: ctx.paths.agent, leaseToken: ownLease.token }, 'agent-core ready');

  handleShutdown({
    log,
    watchParent: ctx.supervised,
    steps: [
      // Turns still running after the grace go back to their queue and run after the next start.
      { name: 'stop conversations', run: () => messaging.queue.stop(2500) },
      { name: 'stop gRPC', run: () => server.close(3000) },
      { name: 'stop agent', run: () => built.stop() },
      { name: 'release lease', run: () => ownLease.release() },
      { name: 'close store', run: () => db.close() },
    ],
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`agent-core failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(EXIT.FAILED);
});
