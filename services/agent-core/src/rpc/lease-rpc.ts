import { AppError, grpcService, LeaseServiceService, unary, type GrpcService, type LeaseServiceServer, type Logger } from '@cliver/common';
import type { LeaseRepo } from '../store/lease-repo';

const MIN_TTL_MS = 1000;
const MAX_TTL_MS = 60_000;

function requireName(name: string, field = 'name'): string {
  if (!/^[a-z][a-z0-9_.-]{0,63}$/.test(name)) {
    throw new AppError('invalid_argument', `${field} must be a lowercase lease name, got "${name}"`, { field });
  }
  return name;
}

function requireTtl(ttlMs: number): number {
  if (!Number.isInteger(ttlMs) || ttlMs < MIN_TTL_MS || ttlMs > MAX_TTL_MS) {
    throw new AppError('invalid_argument', `ttl_ms must be an integer from ${MIN_TTL_MS} to ${MAX_TTL_MS}, got ${ttlMs}`, { field: 'ttl_ms' });
  }
  return ttlMs;
}

export function leaseRpc(log: Logger, leases: LeaseRepo, now: () => number): GrpcService<LeaseServiceServer> {
  return grpcService(LeaseServiceService, {
    acquireLease: unary(log, 'AcquireLease', (req) => {
      if (!req.holder?.id) throw new AppError('invalid_argument', 'holder.id is required', { field: 'holder.id' });
      const result = leases.acquire(requireName(req.name), req.holder, requireTtl(req.ttlMs), now());
      return { granted: result.granted, lease: result.lease };
    }),
    renewLease: unary(log, 'RenewLease', (req) => ({
      lease: leases.renew(requireName(req.name), req.holderId, req.token, requireTtl(req.ttlMs), now()),
    })),
    releaseLease: unary(log, 'ReleaseLease', (req) => ({
      released: leases.release(requireName(req.name), req.holderId, req.token, now()),
    })),
    listLeases: unary(log, 'ListLeases', () => ({ leases: leases.list() })),
  });
}
