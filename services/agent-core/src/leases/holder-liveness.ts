import type { LeaseHolder } from '@cliver/common';

/**
 * A holder on this host whose pid no longer exists is dead, so its lease can be taken at once
 * instead of after the TTL (what makes a restart after `kill -9` immediate). Holders on other
 * hosts (other containers) cannot be checked and wait for their lease to expire.
 */
export function holderLiveness(self: LeaseHolder): (holder: LeaseHolder) => boolean {
  return (holder) => {
    if (holder.host !== self.host || holder.id === self.id) return false;
    // A live process cannot share our pid, so an older holder with it is a previous incarnation
    // (a container restarted as pid 1 again).
    if (holder.pid === self.pid) return true;
    try {
      process.kill(holder.pid, 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH';
    }
  };
}
