import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import type { LeaseHolder } from '@cliver/common';
import { holderLiveness } from './holder-liveness';

const self: LeaseHolder = { id: 'me', host: hostname(), pid: process.pid, startedAtMs: 1, service: 'agent-core' };
const isDead = holderLiveness(self);

describe('holderLiveness', () => {
  it('calls a holder on this host whose pid is gone dead', () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    expect(isDead({ ...self, id: 'old', pid: gone })).toBe(true);
  });

  it('calls a live process alive, and never itself dead', () => {
    expect(isDead({ ...self, id: 'parent', pid: process.ppid })).toBe(false);
    expect(isDead(self)).toBe(false);
  });

  it('calls an older holder with our own pid dead (a restarted container is pid 1 again)', () => {
    expect(isDead({ ...self, id: 'previous-incarnation' })).toBe(true);
  });

  it('cannot judge holders on other hosts, which wait for their TTL', () => {
    expect(isDead({ ...self, id: 'x', host: 'another-container', pid: 999_999 })).toBe(false);
  });
});
