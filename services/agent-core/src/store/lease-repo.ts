import type Database from 'better-sqlite3';
import { AppError, type Lease, type LeaseHolder } from '@cliver/common';

interface LeaseRow {
  name: string;
  token: number;
  holder_id: string | null;
  holder_host: string | null;
  holder_pid: number | null;
  holder_started_at_ms: number | null;
  holder_service: string | null;
  acquired_at_ms: number;
  renewed_at_ms: number;
  expires_at_ms: number;
}

function toLease(row: LeaseRow): Lease {
  return {
    name: row.name,
    token: row.token,
    holder: row.holder_id
      ? {
          id: row.holder_id,
          host: row.holder_host ?? '',
          pid: row.holder_pid ?? 0,
          startedAtMs: row.holder_started_at_ms ?? 0,
          service: row.holder_service ?? '',
        }
      : undefined,
    acquiredAtMs: row.acquired_at_ms,
    renewedAtMs: row.renewed_at_ms,
    expiresAtMs: row.expires_at_ms,
  };
}

/** Says whether a holder's process is known to be gone (so its lease need not wait for the TTL). */
export type IsHolderDead = (holder: LeaseHolder) => boolean;

export interface AcquireResult {
  granted: boolean;
  lease: Lease;
}

/** Describes the holder the way the refusal message and the CLI print it. */
export function describeHolder(lease: Lease): string {
  const h = lease.holder;
  if (!h) return 'nobody';
  return `${h.host} pid ${h.pid} since ${new Date(h.startedAtMs).toISOString()}`;
}

/** Leases in the store. Every method is one transaction, so two callers never both win. */
export class LeaseRepo {
  private readonly select: Database.Statement<[string], LeaseRow>;
  private readonly upsert: Database.Statement;

  constructor(private readonly db: Database.Database, private readonly isHolderDead: IsHolderDead) {
    this.select = db.prepare('SELECT * FROM leases WHERE name = ?');
    this.upsert = db.prepare(`INSERT INTO leases (name, token, holder_id, holder_host, holder_pid, holder_started_at_ms,
        holder_service, acquired_at_ms, renewed_at_ms, expires_at_ms)
      VALUES (@name, @token, @holder_id, @holder_host, @holder_pid, @holder_started_at_ms, @holder_service,
        @acquired_at_ms, @renewed_at_ms, @expires_at_ms)
      ON CONFLICT(name) DO UPDATE SET token = excluded.token, holder_id = excluded.holder_id,
        holder_host = excluded.holder_host, holder_pid = excluded.holder_pid,
        holder_started_at_ms = excluded.holder_started_at_ms, holder_service = excluded.holder_service,
        acquired_at_ms = excluded.acquired_at_ms, renewed_at_ms = excluded.renewed_at_ms,
        expires_at_ms = excluded.expires_at_ms`);
  }

  get(name: string): Lease | undefined {
    const row = this.select.get(name);
    return row ? toLease(row) : undefined;
  }

  list(): Lease[] {
    return (this.db.prepare('SELECT * FROM leases ORDER BY name').all() as LeaseRow[]).map(toLease);
  }

  /** Whether someone holds `name` right now (held, not expired, holder not known dead). */
  isHeld(lease: Lease | undefined, nowMs: number): boolean {
    return !!lease?.holder && lease.expiresAtMs > nowMs && !this.isHolderDead(lease.holder);
  }

  /**
   * Grants a free, expired or dead holder's lease with the next token. A holder asking again
   * while its lease is live (a retried call) keeps its token; one whose lease expired or was
   * released gets a new one, like anybody else: whatever it did with the old token may have
   * raced another holder, or nobody, and the fence must tell the two apart.
   */
  acquire(name: string, holder: LeaseHolder, ttlMs: number, nowMs: number): AcquireResult {
    return this.db.transaction((): AcquireResult => {
      const current = this.get(name);
      if (current?.holder?.id === holder.id && current.expiresAtMs > nowMs) {
        return { granted: true, lease: this.write(name, current.token, holder, current.acquiredAtMs, nowMs, ttlMs) };
      }
      if (this.isHeld(current, nowMs)) return { granted: false, lease: current! };
      return { granted: true, lease: this.write(name, (current?.token ?? 0) + 1, holder, nowMs, nowMs, ttlMs) };
    }).immediate();
  }

  /**
   * Extends the caller's live lease. Past expiry it is lost (reason `lease_lost`) even if nobody
   * took it over: the holder stops acting and acquires again, which gives it a new token.
   */
  renew(name: string, holderId: string, token: number, ttlMs: number, nowMs: number): Lease {
    return this.db.transaction((): Lease => {
      const current = this.requireHolder(name, holderId, token, 'lease_lost');
      if (current.expiresAtMs <= nowMs) {
        throw new AppError(
          'failed_precondition',
          `lease "${name}" (token ${token}) expired ${nowMs - current.expiresAtMs} ms before this renewal; stop acting and acquire it again for a new token`,
          { reason: 'lease_lost' },
        );
      }
      return this.write(name, token, current.holder!, current.acquiredAtMs, nowMs, ttlMs);
    }).immediate();
  }

  release(name: string, holderId: string, token: number, nowMs: number): boolean {
    return this.db.transaction((): boolean => {
      const current = this.get(name);
      if (current?.holder?.id !== holderId || current.token !== token) return false;
      this.upsert.run({ ...this.emptyRow(name, token, current.acquiredAtMs, nowMs) });
      return true;
    }).immediate();
  }

  /**
   * Refuses a side effect stamped with a token that is no longer the live one: the check that
   * stops a paused ex-leader from acting after a standby took over.
   */
  checkFence(name: string, holderId: string, token: number, nowMs: number): void {
    const lease = this.requireHolder(name, holderId, token, 'stale_fencing_token');
    if (lease.expiresAtMs <= nowMs) {
      throw new AppError('failed_precondition', `lease "${name}" expired; renew it before acting`, { reason: 'stale_fencing_token' });
    }
  }

  private requireHolder(name: string, holderId: string, token: number, reason: string): Lease {
    const current = this.get(name);
    if (current?.holder?.id === holderId && current.token === token) return current;
    const who = current?.holder ? `now held by ${describeHolder(current)} with token ${current.token}` : 'not held';
    throw new AppError('failed_precondition', `lease "${name}" (token ${token}) is ${who}`, { reason });
  }

  private write(name: string, token: number, h: LeaseHolder, acquiredAtMs: number, nowMs: number, ttlMs: number): Lease {
    const row: LeaseRow = {
      name,
      token,
      holder_id: h.id,
      holder_host: h.host,
      holder_pid: h.pid,
      holder_started_at_ms: h.startedAtMs,
      holder_service: h.service,
      acquired_at_ms: acquiredAtMs,
      renewed_at_ms: nowMs,
      expires_at_ms: nowMs + ttlMs,
    };
    this.upsert.run(row);
    return toLease(row);
  }

  private emptyRow(name: string, token: number, acquiredAtMs: number, nowMs: number): LeaseRow {
    return {
      name, token, holder_id: null, holder_host: null, holder_pid: null, holder_started_at_ms: null,
      holder_service: null, acquired_at_ms: acquiredAtMs, renewed_at_ms: nowMs, expires_at_ms: 0,
    };
  }
}
