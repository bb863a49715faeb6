import { AppError, type Lease, type LeaseHolder, type Logger } from '@cliver/common';
import { describeHolder, type LeaseRepo } from '../store/lease-repo';

/** The lease that makes this agent-core the only one serving a data folder. */
export const AGENT_CORE_LEASE = 'agent-core';

export interface OwnLease {
  /** The current fencing token; it changes when a lapsed lease is taken again. */
  readonly token: number;
  /** Stops renewing and releases the lease. */
  release(): void;
}

/**
 * Takes agent-core's own lease straight from the store (it is the store's owner) or refuses with
 * the message the user needs. Then renews it. A lease that lapsed while this process was paused
 * (SIGSTOP, a suspended laptop) is taken again with a new token if nobody else has it; losing it
 * to another agent-core means this one must stop at once (`onLost`).
 */
export function takeOwnLease(opts: {
  leases: LeaseRepo;
  holder: LeaseHolder;
  ttlMs: number;
  now: () => number;
  log: Logger;
  onLost: (err: unknown) => void;
}): OwnLease {
  const { leases, holder, ttlMs, now, log } = opts;
  const result = leases.acquire(AGENT_CORE_LEASE, holder, ttlMs, now());
  if (!result.granted) throw leaseHeldError(result.lease);
  let token = result.lease.token;
  const retake = (lost: unknown): boolean => {
    if (!(lost instanceof AppError) || lost.reason !== 'lease_lost') return false;
    const again = leases.acquire(AGENT_CORE_LEASE, holder, ttlMs, now());
    if (!again.granted) return false;
    // Only the next token proves that nobody held the lease meanwhile. Another agent-core that
    // took it and died may have changed the data under this one's feet: restart instead.
    if (again.lease.token !== token + 1) {
      leases.release(AGENT_CORE_LEASE, holder.id, again.lease.token, now());
      return false;
    }
    log.warn({ err: lost, oldToken: token, token: again.lease.token }, 'the agent-core lease lapsed while this process was not running; took it again');
    token = again.lease.token;
    return true;
  };
  const timer = setInterval(() => {
    try {
      leases.renew(AGENT_CORE_LEASE, holder.id, token, ttlMs, now());
    } catch (err) {
      if (retake(err)) return;
      clearInterval(timer);
      log.fatal({ err }, 'lost the agent-core lease; stopping');
      opts.onLost(err);
    }
  }, Math.max(250, ttlMs / 3));
  return {
    get token() {
      return token;
    },
    release: () => {
      clearInterval(timer);
      leases.release(AGENT_CORE_LEASE, holder.id, token, now());
    },
  };
}

export function leaseHeldError(lease: Lease): AppError {
  return new AppError(
    'failed_precondition',
    `Another gateway is already running: held by ${describeHolder(lease)}. ` +
      'The lease expires by itself when that process stops; run `cliver gateway status` to see it.',
    { reason: 'lease_held' },
  );
}
