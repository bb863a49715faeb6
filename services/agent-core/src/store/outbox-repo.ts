import type Database from 'better-sqlite3';
import { AppError } from '@cliver/common';
import { toStoredTime } from '../sessions/session-repo';
import type { StoredAttachment } from './inbound-repo';

export interface Address {
  adapter: string;
  channelId: string;
  threadId: string;
}

export interface NewOutboxEntry {
  /** What the entry answers (`inbound:<id>`, `task_run:<id>`): one entry per key, ever. */
  dedupeKey: string;
  address: Address;
  replyToMessageId?: string;
  markdown: string;
  attachments?: StoredAttachment[];
}

export type OutboxStatus = 'pending' | 'delivered' | 'failed';

export interface OutboxEntry {
  id: number;
  dedupeKey: string;
  address: Address;
  replyToMessageId: string;
  markdown: string;
  attachments: StoredAttachment[];
  status: OutboxStatus;
  chunkCount: number;
  /** Platform message ids by chunk index; '' where none is recorded yet. */
  postedChunkIds: string[];
  attempts: number;
  error: string | null;
  nextAttemptAtMs: number;
}

interface OutboxRow {
  id: number;
  dedupe_key: string;
  adapter: string;
  channel_id: string;
  thread_id: string;
  reply_to_message_id: string;
  markdown: string;
  attachments_json: string;
  status: OutboxStatus;
  chunk_count: number;
  attempts: number;
  error: string | null;
  next_attempt_at_ms: number;
}

/** The delivery outbox: entries, and the platform message id of every posted chunk. */
export class OutboxRepo {
  constructor(private readonly db: Database.Database) {}

  /** Writes the entry unless its key has one already; returns the entry's id either way. */
  insert(e: NewOutboxEntry, now: Date): { id: number; created: boolean } {
    const info = this.db
      .prepare(`INSERT OR IGNORE INTO outbox (dedupe_key, adapter, channel_id, thread_id, reply_to_message_id, markdown,
          attachments_json, status, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)`)
      .run(e.dedupeKey, e.address.adapter, e.address.channelId, e.address.threadId, e.replyToMessageId ?? '', e.markdown, JSON.stringify(e.attachments ?? []), toStoredTime(now));
    const row = this.db.prepare('SELECT id FROM outbox WHERE dedupe_key = ?').get(e.dedupeKey) as { id: number };
    return { id: row.id, created: info.changes > 0 };
  }

  get(id: number): OutboxEntry | undefined {
    const row = this.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as OutboxRow | undefined;
    return row ? this.toEntry(row) : undefined;
  }

  byKey(dedupeKey: string): OutboxEntry | undefined {
    const row = this.db.prepare('SELECT * FROM outbox WHERE dedupe_key = ?').get(dedupeKey) as OutboxRow | undefined;
    return row ? this.toEntry(row) : undefined;
  }

  /** Entries of these adapters that wait for delivery and are due, oldest first. */
  due(adapters: readonly string[], nowMs: number): OutboxEntry[] {
    if (!adapters.length) return [];
    const rows = this.db
      .prepare(`SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at_ms <= ? AND adapter IN (${adapters.map(() => '?').join(',')}) ORDER BY id`)
      .all(nowMs, ...adapters) as OutboxRow[];
    return rows.map((r) => this.toEntry(r));
  }

  /** The earliest retry time among pending entries that are not due yet; undefined for none. */
  nextRetryAtMs(nowMs: number): number | undefined {
    const row = this.db.prepare("SELECT MIN(next_attempt_at_ms) AS at FROM outbox WHERE status = 'pending' AND next_attempt_at_ms > ?").get(nowMs) as { at: number | null };
    return row.at ?? undefined;
  }

  /**
   * Records one posted chunk (idempotent per index) and marks the entry delivered once every
   * chunk has an id. The chunk count is fixed by the first report: rendering is deterministic,
   * and a count that changes would mean two renderings were mixed in one reply.
   */
  reportChunk(id: number, index: number, count: number, platformMessageId: string, token: number, now: Date): { delivered: boolean } {
    return this.db.transaction(() => {
      const entry = this.get(id);
      if (!entry) throw new AppError('not_found', `no outbox entry ${id}`, { reason: 'outbox_entry_not_found', field: 'entry_id' });
      if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count) {
        throw new AppError('invalid_argument', `chunk index ${index} of ${count} is out of range`, { field: 'index' });
      }
      if (entry.chunkCount && entry.chunkCount !== count) {
        throw new AppError('failed_precondition', `entry ${id} has ${entry.chunkCount} chunks, not ${count}`, { field: 'count', reason: 'chunk_count_changed' });
      }
      if (!platformMessageId) throw new AppError('invalid_argument', 'platform_message_id is required', { field: 'platform_message_id' });
      const at = toStoredTime(now);
      this.db
        .prepare('INSERT OR IGNORE INTO outbox_chunks (outbox_id, idx, platform_message_id, fencing_token, posted_at) VALUES (?, ?, ?, ?, ?)')
        .run(id, index, platformMessageId, token, at);
      const { n } = this.db.prepare('SELECT COUNT(*) AS n FROM outbox_chunks WHERE outbox_id = ?').get(id) as { n: number };
      const delivered = n >= count;
      this.db
        .prepare(`UPDATE outbox SET chunk_count = ?, status = CASE WHEN ? THEN 'delivered' ELSE status END,
            delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END WHERE id = ?`)
        .run(count, delivered ? 1 : 0, delivered ? 1 : 0, at, id);
      return { delivered };
    }).immediate();
  }

  /** A failed attempt: `permanent` ends the entry as failed; otherwise it is due again at `retryAtMs`. */
  fail(id: number, error: string, permanent: boolean, retryAtMs: number): void {
    const info = this.db
      .prepare(`UPDATE outbox SET attempts = attempts + 1, error = ?, status = CASE WHEN ? THEN 'failed' ELSE status END,
          next_attempt_at_ms = ? WHERE id = ? AND status = 'pending'`)
      .run(error, permanent ? 1 : 0, retryAtMs, id);
    if (info.changes === 0 && !this.get(id)) throw new AppError('not_found', `no outbox entry ${id}`, { reason: 'outbox_entry_not_found', field: 'entry_id' });
  }

  counts(): Record<OutboxStatus, number> {
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status').all() as Array<{ status: OutboxStatus; n: number }>;
    const out: Record<OutboxStatus, number> = { pending: 0, delivered: 0, failed: 0 };
    for (const r of rows) out[r.status] = r.n;
    return out;
  }

  private toEntry(r: OutboxRow): OutboxEntry {
    const chunks = this.db.prepare('SELECT idx, platform_message_id FROM outbox_chunks WHERE outbox_id = ? ORDER BY idx').all(r.id) as Array<{ idx: number; platform_message_id: string }>;
    const posted: string[] = Array.from({ length: Math.max(r.chunk_count, ...chunks.map((c) => c.idx + 1), 0) }, () => '');
    for (const c of chunks) posted[c.idx] = c.platform_message_id;
    return {
      id: r.id,
      dedupeKey: r.dedupe_key,
      address: { adapter: r.adapter, channelId: r.channel_id, threadId: r.thread_id },
      replyToMessageId: r.reply_to_message_id,
      markdown: r.markdown,
      attachments: JSON.parse(r.attachments_json) as StoredAttachment[],
      status: r.status,
      chunkCount: r.chunk_count,
      postedChunkIds: posted,
      attempts: r.attempts,
      error: r.error,
      nextAttemptAtMs: r.next_attempt_at_ms,
    };
  }
}
