import { toStoredTime, type Db } from './session-repo';

/** The `session` block of config.yaml, in camelCase. */
export interface RetentionLimits {
  maxSessions: number;
  maxTurnsPerSession: number;
  maxAgeDays: number;
}

export interface RetentionResult {
  /** Sessions deleted for being idle longer than `maxAgeDays`. */
  expired: number;
  /** Turn rows deleted from sessions longer than `maxTurnsPerSession`. */
  trimmedTurns: number;
  /** Oldest sessions deleted to get down to `maxSessions`. */
  overflow: number;
  /** A step stopped at its batch size; run again to finish. */
  hasMore: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

// Each step touches at most this many sessions per call, so one call never holds the write lock
// long while turns are being appended; a backlog is worked off over further calls.
const BATCH_SESSIONS = 200;

function expire(db: Db, maxAgeDays: number, now: Date, batch: number): number {
  const cutoff = toStoredTime(new Date(now.getTime() - maxAgeDays * DAY_MS));
  return db
    .prepare(`DELETE FROM sessions WHERE id IN (
      SELECT id FROM sessions WHERE updated_at < ? ORDER BY updated_at LIMIT ?)`)
    .run(cutoff, batch).changes;
}

function dropOverflow(db: Db, maxSessions: number, batch: number): { deleted: number; hasMore: boolean } {
  const { n } = db.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number };
  const excess = n - maxSessions;
  if (excess <= 0) return { deleted: 0, hasMore: false };
  const deleted = db
    .prepare('DELETE FROM sessions WHERE id IN (SELECT id FROM sessions ORDER BY updated_at, rowid LIMIT ?)')
    .run(Math.min(excess, batch)).changes;
  return { deleted, hasMore: excess > batch };
}

// Only turn rows go; a stored summary stays even when it covered deleted turns, so the model
// keeps that context.
function trim(db: Db, maxTurns: number, batch: number): { deleted: number; sessions: number } {
  const long = db
    .prepare('SELECT session_id AS id FROM turns GROUP BY session_id HAVING COUNT(*) > ? LIMIT ?')
    .all(maxTurns, batch) as Array<{ id: string }>;
  const del = db.prepare(`DELETE FROM turns WHERE session_id = ? AND id <
    (SELECT id FROM turns WHERE session_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`);
  const deleted = db.transaction(() => long.reduce((sum, s) => sum + del.run(s.id, s.id, maxTurns - 1).changes, 0))();
  return { deleted, sessions: long.length };
}

/**
 * Applies the session limits: deletes sessions idle for more than `maxAgeDays` (with their
 * turns), the oldest beyond `maxSessions` (by `updated_at`), and turns beyond the newest
 * `maxTurnsPerSession` of each session. Work per call is bounded; `hasMore` says to call again.
 */
export function cleanupSessions(db: Db, limits: RetentionLimits, now: Date, batch = BATCH_SESSIONS): RetentionResult {
  const expired = expire(db, limits.maxAgeDays, now, batch);
  const overflow = dropOverflow(db, limits.maxSessions, batch);
  const trimmed = trim(db, limits.maxTurnsPerSession, batch);
  return {
    expired,
    trimmedTurns: trimmed.deleted,
    overflow: overflow.deleted,
    hasMore: expired === batch || overflow.hasMore || trimmed.sessions === batch,
  };
}

export interface RetentionSchedule {
  intervalMs: number;
  now: () => Date;
  /** Each finished call, for logging. */
  onResult?: (result: RetentionResult) => void;
  /** A failed call; the schedule continues. */
  onError?: (err: unknown) => void;
  batch?: number;
}

/**
 * Runs `cleanupSessions` now and then every `intervalMs`; a call that left work over is followed
 * at once (on a later tick) by another. The timer never keeps the process alive.
 */
export function startRetention(db: Db, limits: RetentionLimits, schedule: RetentionSchedule): { stop: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let isStopped = false;
  const run = (): void => {
    let hasMore = false;
    try {
      const result = cleanupSessions(db, limits, schedule.now(), schedule.batch);
      hasMore = result.hasMore;
      schedule.onResult?.(result);
    } catch (err) {
      schedule.onError?.(err);
    }
    if (isStopped) return;
    timer = setTimeout(run, hasMore ? 0 : schedule.intervalMs);
    timer.unref();
  };
  run();
  return {
    stop: () => {
      isStopped = true;
      clearTimeout(timer);
    },
  };
}
