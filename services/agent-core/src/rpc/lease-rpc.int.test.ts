import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentCoreClients, closeClients, createLogger, LeaseKeeper, startGrpcServer, type AgentCoreClients, type LeaseHolder, type RunningGrpcServer } from '@cliver/common';
import { waitFor } from '@cliver/testkit';
import { openStore } from '../store/db';
import { LeaseRepo } from '../store/lease-repo';
import { leaseRpc } from './lease-rpc';

// LeaseKeeper (what adapter-host and scheduler run) against LeaseService over real gRPC. A pause
// of the process (SIGSTOP) is played by moving clocks forward: `skew.core` for agent-core,
// `skew.keeper` for the keeper's own process.
const log = createLogger({ service: 'test', level: 'silent' });
const KEY = 'l'.repeat(43);
const TTL_MS = 1000;
const holder = (id: string): LeaseHolder => ({ id, host: 'box', pid: 1, startedAtMs: 0, service: 'scheduler' });

let repo: LeaseRepo;
let db: ReturnType<typeof openStore>['db'];
let server: RunningGrpcServer;
let clients: AgentCoreClients;
let skew: { core: number; keeper: number };
const keepers: LeaseKeeper[] = [];

beforeEach(async () => {
  skew = { core: 0, keeper: 0 };
  ({ db } = openStore(join(mkdtempSync(join(tmpdir(), 'cliver-lease-rpc-')), 'gateway.db')));
  repo = new LeaseRepo(db, () => false);
  server = await startGrpcServer('127.0.0.1:0', [leaseRpc(log, repo, () => Date.now() + skew.core)], log, { internalKey: KEY });
  clients = agentCoreClients(`127.0.0.1:${server.port}`, KEY);
});

afterEach(async () => {
  await Promise.all(keepers.splice(0).map((k) => k.stop()));
  closeClients(clients);
  await server.close(100);
  db.close();
});

function startKeeper(id: string) {
  const events: string[] = [];
  const keeper = new LeaseKeeper({
    name: 'scheduler',
    holder: holder(id),
    ttlMs: TTL_MS,
    client: clients.lease,
    log,
    standbyPollMs: 50,
    now: () => Date.now() + skew.keeper,
    onAcquired: (token) => void events.push(`acquired ${token}`),
    onLost: (reason) => void events.push(`lost: ${reason}`),
  });
  keepers.push(keeper);
  keeper.start();
  return { keeper, events };
}

test('a leader that wakes after its lease expired steps down at once and leads again with a higher token', async () => {
  const { keeper, events } = startKeeper('a');
  await waitFor(() => keeper.leaseToken === 1, { what: 'the first lease' });
  skew = { core: 5000, keeper: 5000 }; // both processes see 5 s pass: this one was stopped
  await waitFor(() => keeper.leaseToken === 2, { what: 'the lease taken again' });
  expect(events).toEqual(['acquired 1', 'lost: the lease expired before it could be renewed', 'acquired 2']);
  expect(repo.get('scheduler')).toMatchObject({ token: 2, holder: { id: 'a' } });
});

test('a leader whose renewal core refuses as expired steps down and takes the lease again with a higher token', async () => {
  const { keeper, events } = startKeeper('a');
  await waitFor(() => keeper.leaseToken === 1, { what: 'the first lease' });
  skew.core = 5000; // only core's clock: the keeper does not notice by itself
  await waitFor(() => keeper.leaseToken === 2, { what: 'the lease taken again' });
  expect(events[0]).toBe('acquired 1');
  expect(events[1]).toMatch(/^lost: lease "scheduler" \(token 1\) expired \d+ ms before this renewal; stop acting and acquire it again for a new token$/);
  expect(events[2]).toBe('acquired 2');
});

test('a leader that wakes after another replica took over stays a standby', async () => {
  const { keeper, events } = startKeeper('a');
  await waitFor(() => keeper.leaseToken === 1, { what: 'the first lease' });
  skew = { core: 5000, keeper: 5000 };
  // The other replica wins the expired lease before the paused one's next tick.
  expect(repo.acquire('scheduler', holder('b'), TTL_MS * 10, Date.now() + skew.core)).toMatchObject({ granted: true, lease: { token: 2 } });
  await waitFor(() => events.length === 2, { what: 'the step-down' });
  expect(events).toEqual(['acquired 1', 'lost: the lease expired before it could be renewed']);
  await new Promise((resolve) => setTimeout(resolve, 200)); // a few standby polls
  expect(keeper.isLeader).toBe(false);
  expect(repo.get('scheduler')).toMatchObject({ token: 2, holder: { id: 'b' } });
});
