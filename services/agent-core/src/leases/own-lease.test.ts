import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type LeaseHolder } from '@cliver/common';
import { openStore } from '../store/db';
import { LeaseRepo } from '../store/lease-repo';
import { AGENT_CORE_LEASE, takeOwnLease } from './own-lease';

const log = createLogger({ service: 'test', level: 'silent' });
const TTL_MS = 3000;
const RENEW_EVERY_MS = TTL_MS / 3;
const holder = (id: string): LeaseHolder => ({ id, host: 'box', pid: 1, startedAtMs: 0, service: 'agent-core' });

let nowMs: number;
let leases: LeaseRepo;
let lost: unknown[];
let db: ReturnType<typeof openStore>['db'];

beforeEach(() => {
  jest.useFakeTimers();
  nowMs = 1000;
  lost = [];
  ({ db } = openStore(join(mkdtempSync(join(tmpdir(), 'cliver-own-lease-')), 'gateway.db')));
  leases = new LeaseRepo(db, () => false);
});

afterEach(() => {
  jest.useRealTimers();
  db.close();
});

const take = () => takeOwnLease({ leases, holder: holder('a'), ttlMs: TTL_MS, now: () => nowMs, log, onLost: (err) => void lost.push(err) });

/** This process was stopped for `ms`, then its renewal timer fires. */
function pauseFor(ms: number): void {
  nowMs += ms;
  jest.advanceTimersByTime(RENEW_EVERY_MS);
}

it('takes its lease again with the next token when it lapsed while the process was paused', () => {
  const own = take();
  expect(own.token).toBe(1);
  pauseFor(15_000);
  expect(lost).toEqual([]);
  expect(own.token).toBe(2);
  expect(leases.get(AGENT_CORE_LEASE)).toMatchObject({ token: 2, holder: { id: 'a' }, expiresAtMs: nowMs + TTL_MS });
  own.release();
  expect(leases.get(AGENT_CORE_LEASE)).toMatchObject({ token: 2, holder: undefined });
});

it('stops when another agent-core took the lease while it was paused', () => {
  const own = take();
  nowMs += 15_000;
  leases.acquire(AGENT_CORE_LEASE, holder('b'), TTL_MS, nowMs);
  pauseFor(0);
  expect(lost).toEqual([expect.objectContaining({ reason: 'lease_lost' })]);
  expect(leases.get(AGENT_CORE_LEASE)).toMatchObject({ token: 2, holder: { id: 'b' } });
  own.release(); // a no-op: the lease is not its own any more
  expect(leases.get(AGENT_CORE_LEASE)).toMatchObject({ token: 2, holder: { id: 'b' } });
});

it('stops when another agent-core held the lease meanwhile, even though it is free again', () => {
  take();
  nowMs += 15_000;
  leases.acquire(AGENT_CORE_LEASE, holder('b'), TTL_MS, nowMs);
  leases.release(AGENT_CORE_LEASE, 'b', 2, nowMs);
  pauseFor(0);
  expect(lost).toHaveLength(1);
  // The data may have changed under it: it gives back what it just took and stops.
  expect(leases.get(AGENT_CORE_LEASE)).toMatchObject({ token: 3, holder: undefined });
});
