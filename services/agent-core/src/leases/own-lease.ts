import { AppError, type Lease, type LeaseHolder, type Logger } from '@cliver/common';
import { describeHolder, type LeaseRepo } from '../store/lease-repo';

/** The lease that makes this agent-core the only one serving a data folder. */
export const AGENT_CORE_LEASE = 'agent-core';

export interface OwnLease {
  token: number;
  /** Stops renewing and releases the lease. */
  release(): void;
}

/**
 * Takes agent-core's own lease straight from the store (it is the store's owner) or refuses with
 * the message the user needs. Then renews it; losing it means another agent-core took over, so
 * this one must stop at once (`onLost`).
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
  const token = result.lease.token;
  const timer = setInterval(() => {
    try {
      leases.renew(AGENT_CORE_LEASE, holder.id, token, ttlMs, now());
    } catch (err) {
      clearInterval(timer);
      log.fatal({ err }, 'lost the agent-core lease; stopping');
      opts.onLost(err);
    }
  }, Math.max(250, ttlMs / 3));
  return {
    token,
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
