import type { LeaseHolder, LeaseServiceClient } from '../gen/cliver/v1/lease';
import type { Logger } from '../logging/logger';
import { AppError } from '../errors/app-error';
import { call } from './call';

export interface LeaseKeeperOptions {
  name: string;
  holder: LeaseHolder;
  ttlMs: number;
  client: LeaseServiceClient;
  log: Logger;
  /** Called once the lease is won; the token fences every side effect until `onLost`. */
  onAcquired: (token: number) => void | Promise<void>;
  /** Called when the lease is lost or can no longer be confirmed; stop leader work at once. */
  onLost: (reason: string) => void | Promise<void>;
  /** How often a standby asks for the lease. */
  standbyPollMs?: number;
  now?: () => number;
}

/**
 * Holds a named lease through agent-core: a standby polls until it wins, a leader renews every
 * third of the TTL. A leader that cannot confirm its lease steps down a quarter-TTL before the
 * lease could expire in core, so two replicas never both believe they lead.
 */
export class LeaseKeeper {
  private token = 0;
  private confirmedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastFailure = '';
  private readonly now: () => number;

  constructor(private readonly options: LeaseKeeperOptions) {
    this.now = options.now ?? Date.now;
  }

  get isLeader(): boolean {
    return this.token > 0;
  }

  get leaseToken(): number {
    return this.token;
  }

  start(): void {
    this.schedule(0);
  }

  /** Stops competing; a leader releases its lease so a standby takes over without waiting. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (!this.isLeader) return;
    const { name, holder, client } = this.options;
    const token = this.token;
    await this.stepDown('stopping');
    await call(client, client.releaseLease, { name, holderId: holder.id, token }, { deadlineMs: 3000, waitForReady: true }).catch((err: unknown) =>
      this.options.log.warn({ err, lease: name }, 'could not release lease; it will expire by itself'),
    );
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    const ttl = this.options.ttlMs;
    try {
      // A tick this late means the process did not run (paused, suspended, starved): the lease
      // has lapsed in core, so stop leading now rather than when the renewal is refused. Core
      // gives a new token to whoever acquires next, this process included.
      if (this.isLeader && this.now() >= this.confirmedUntil) await this.stepDown('the lease expired before it could be renewed');
      if (this.isLeader) await this.renew();
      else await this.acquire();
    } catch (err) {
      this.noteFailure(err);
      if (this.isLeader && this.now() >= this.confirmedUntil - ttl / 4) {
        await this.stepDown('lease could not be confirmed with agent-core');
      }
    }
    this.schedule(this.isLeader ? Math.max(200, ttl / 3) : (this.options.standbyPollMs ?? 1000));
  }

  private async acquire(): Promise<void> {
    const { name, holder, ttlMs, client, log } = this.options;
    const sentAt = this.now();
    const res = await call(client, client.acquireLease, { name, holder, ttlMs });
    this.lastFailure = '';
    if (!res.granted || !res.lease || this.stopped) return;
    this.token = res.lease.token;
    this.confirmedUntil = sentAt + ttlMs;
    log.info({ lease: name, token: this.token }, 'lease acquired; acting as leader');
    await this.options.onAcquired(this.token);
  }

  private async renew(): Promise<void> {
    const { name, holder, ttlMs, client } = this.options;
    const sentAt = this.now();
    try {
      await call(client, client.renewLease, { name, holderId: holder.id, token: this.token, ttlMs }, { deadlineMs: Math.max(500, ttlMs / 4), waitForReady: true });
      this.confirmedUntil = sentAt + ttlMs;
      this.lastFailure = '';
    } catch (err) {
      if (err instanceof AppError && err.reason === 'lease_lost') {
        await this.stepDown(err.message);
        return;
      }
      throw err;
    }
  }

  private async stepDown(reason: string): Promise<void> {
    if (!this.isLeader) return;
    const fields = { lease: this.options.name, token: this.token, reason };
    if (this.stopped) this.options.log.info(fields, 'giving up the lease');
    else this.options.log.warn(fields, 'lease lost; stepping down');
    this.token = 0;
    this.confirmedUntil = 0;
    await this.options.onLost(reason);
  }

  // Log a failure once per distinct message, so a standby waiting on a dead core does not flood.
  private noteFailure(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (message === this.lastFailure) return;
    this.lastFailure = message;
    this.options.log.warn({ err, lease: this.options.name }, 'lease call to agent-core failed');
  }
}
