import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { LeaseHolder } from '../gen/cliver/v1/lease';

export const SERVICE_NAMES = ['agent-core', 'gateway-api', 'adapter-host', 'scheduler'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** This process as a lease holder: the id is unique even when a pid is reused after a restart. */
export function processIdentity(service: ServiceName, startedAtMs: number): LeaseHolder {
  const host = hostname();
  return {
    id: `${host}:${process.pid}:${startedAtMs}:${randomBytes(4).toString('hex')}`,
    host,
    pid: process.pid,
    startedAtMs,
    service,
  };
}
