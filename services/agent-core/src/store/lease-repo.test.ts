import type { LeaseHolder } from '@cliver/common';
import { openStore } from './db';
import { LeaseRepo, type IsHolderDead } from './lease-repo';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const holder = (id: string, pid = 100): LeaseHolder => ({ id, host: 'box', pid, startedAtMs: 1_700_000_000_000, service: 'scheduler' });
const TTL = 8000;

function repo(isDead: IsHolderDead = () => false): LeaseRepo {
  const { db } = openStore(join(mkdtempSync(join(tmpdir(), 'cliver-lease-')), 'gateway.db'));
  return new LeaseRepo(db, isDead);
}

describe('LeaseRepo', () => {
  it('grants a free lease with token 1 and refuses a second holder, naming the first', () => {
    const leases = repo();
    const a = leases.acquire('scheduler', holder('a'), TTL, 1000);
    expect(a).toMatchObject({ granted: true, lease: { token: 1, expiresAtMs: 9000, holder: { id: 'a' } } });
    const b = leases.acquire('scheduler', holder('b'), TTL, 2000);
    expect(b).toMatchObject({ granted: false, lease: { token: 1, holder: { id: 'a' } } });
  });

  it('hands an expired lease to the next holder with a higher token', () => {
    const leases = repo();
    leases.acquire('scheduler', holder('a'), TTL, 1000);
    expect(leases.acquire('scheduler', holder('b'), TTL, 8999).granted).toBe(false);
    const b = leases.acquire('scheduler', holder('b'), TTL, 9000);
    expect(b).toMatchObject({ granted: true, lease: { token: 2, holder: { id: 'b' } } });
  });

  it('hands the lease of a holder known to be dead over at once, before the TTL', () => {
    const leases = repo((h) => h.id === 'a');
    leases.acquire('scheduler', holder('a'), TTL, 1000);
    expect(leases.acquire('scheduler', holder('b'), TTL, 1001)).toMatchObject({ granted: true, lease: { token: 2 } });
  });

  it('keeps the token when the holder acquires again while its lease is live, and renews it', () => {
    const leases = repo();
    leases.acquire('scheduler', holder('a'), TTL, 1000);
    expect(leases.acquire('scheduler', holder('a'), TTL, 2000).lease.token).toBe(1);
    expect(leases.renew('scheduler', 'a', 1, TTL, 5000).expiresAtMs).toBe(13_000);
  });

  it('refuses a renewal after expiry with reason lease_lost, even when nobody took over', () => {
    const leases = repo();
    leases.acquire('scheduler', holder('a'), TTL, 1000);
    expect(() => leases.renew('scheduler', 'a', 1, TTL, 9000)).toThrow(
      expect.objectContaining({ code: 'failed_precondition', reason: 'lease_lost', message: expect.stringContaining('expired 0 ms before this renewal') }),
    );
    expect(() => leases.renew('scheduler', 'a', 1, TTL, 16_000)).toThrow(expect.objectContaining({ reason: 'lease_lost' }));
  });

  it('gives a holder that lost its lease to expiry (a paused process) a higher token when it acquires again', () => {
    const leases = repo();
    leases.acquire('scheduler', holder('a'), TTL, 1000);
    // Paused from 1000 to 16_000: the lease lapsed at 9000 and nobody else asked for it.
    expect(leases.acquire('scheduler', holder('a'), TTL, 16_000)).toMatchObject({ granted: true, lease: { token: 2, acquiredAtMs: 16_000, holder: { id: 'a' } } });
    expect(() => leases.checkFence('scheduler', 'a', 1, 16_001)).toThrow(expect.objectContaining({ reason: 'stale_fencing_token' }));
    expect(() => leases.checkFence('scheduler', 'a', 2, 16_001)).not.toThrow();
  });

  it('gives a holder that released its lease a higher token when it acquires again', () => {
    const leases = repo();
    leases.acquire('scheduler', holder('a'), TTL, 1000);
    leases.release('scheduler', 'a', 1, 2000);
    expect(leases.acquire('scheduler', holder('a'), TTL, 2001)).toMatchObject({ granted: true, lease: { token: 2 } });
  });

  it('refuses the renewal of a deposed holder with reason lease_lost', () => {
    const leases = repo();
    leases.acquire('scheduler', holder('a'), TTL, 1000);
    leases.acquire('scheduler', holder('b'), TTL, 10_000);
    expect(() => leases.renew('scheduler', 'a', 1, TTL, 10_001)).toThrow(
      expect.objectContaining({ code: 'failed_precondition', reason: 'lease_lost', message: expect.stringContaining('now held by box pid 100') }),
    );
  });

  it('never lowers the token: release keeps it and the next holder gets one more', () => {
    const leases = repo();
    leases.acquire('scheduler', holder('a'), TTL, 1000);
    expect(leases.release('scheduler', 'a', 1, 2000)).toBe(true);
    expect(leases.get('scheduler')).toMatchObject({ token: 1, holder: undefined });
    expect(leases.acquire('scheduler', holder('b'), TTL, 2001)).toMatchObject({ granted: true, lease: { token: 2 } });
    expect(leases.release('scheduler', 'a', 1, 2002)).toBe(false);
  });

  it('fences side effects: only the live token of the live holder passes', () => {
    const leases = repo();
    leases.acquire('adapter-host', holder('a'), TTL, 1000);
    expect(() => leases.checkFence('adapter-host', 'a', 1, 2000)).not.toThrow();
    leases.acquire('adapter-host', holder('b'), TTL, 9000);
    expect(() => leases.checkFence('adapter-host', 'a', 1, 9001)).toThrow(expect.objectContaining({ reason: 'stale_fencing_token' }));
    expect(() => leases.checkFence('adapter-host', 'b', 2, 20_000)).toThrow(/expired/);
  });

  it('keeps names apart', () => {
    const leases = repo();
    leases.acquire('scheduler', holder('a'), TTL, 1000);
    expect(leases.acquire('adapter-host', holder('b'), TTL, 1000).granted).toBe(true);
    expect(leases.list().map((l) => l.name)).toEqual(['adapter-host', 'scheduler']);
  });
});
