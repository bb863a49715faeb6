import type Database from 'better-sqlite3';
import { toStoredTime } from '../sessions/session-repo';

export type TaskRunStatus = 'running' | 'completed' | 'failed' | 'missed';

export interface TaskRunRow {
  id: number;
  task_name: string;
  execution_id: string;
  status: TaskRunStatus;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  result: string | null;
  scheduled_at: string | null;
  fencing_token: number | null;
}

export interface Occurrence {
  task: string;
  /** The time the schedule said, not when it fired. */
  scheduledAt: Date;
  executionId: string;
  /** The claiming scheduler's lease token. */
  fencingToken: number;
}

/**
 * `task_runs` as the scheduler's exactly-once ledger: an occurrence is claimed (or recorded as
 * missed) in one INSERT that the unique (task_name, scheduled_at) index lets through once. The
 * caller has checked the fencing token; the index is what makes a race between two claimers — a
 * paused leader and its successor — end with one run.
 */
export class TaskRunRepo {
  private readonly insert: Database.Statement;
  private readonly byOccurrence: Database.Statement<[string, string], TaskRunRow>;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(`INSERT INTO task_runs (task_name, execution_id, status, started_at, finished_at, error, scheduled_at, fencing_token)
      VALUES (@task_name, @execution_id, @status, @started_at, @finished_at, @error, @scheduled_at, @fencing_token)
      ON CONFLICT (task_name, scheduled_at) WHERE scheduled_at IS NOT NULL DO NOTHING`);
    this.byOccurrence = db.prepare('SELECT * FROM task_runs WHERE task_name = ? AND scheduled_at = ?');
  }

  /** Starts the run of an occurrence; `claimed: false` with the existing row when it ran (or was missed) already. */
  claim(o: Occurrence, now: Date): { run: TaskRunRow; claimed: boolean } {
    return this.write(o, 'running', null, now);
  }

  /** Records an occurrence the misfire policy skipped, so it is visible and can never run later. */
  recordMissed(o: Occurrence, reason: string, now: Date): { run: TaskRunRow; claimed: boolean } {
    return this.write(o, 'missed', reason, now);
  }

  /** Ends a running run; a run already ended (or never started) is left as it is. */
  finish(id: number, outcome: { status: 'completed'; result: string } | { status: 'failed'; error: string }, now: Date): boolean {
    const info = this.db
      .prepare("UPDATE task_runs SET status = ?, result = ?, error = ?, finished_at = ? WHERE id = ? AND status = 'running'")
      .run(outcome.status, outcome.status === 'completed' ? outcome.result : null, outcome.status === 'failed' ? outcome.error : null, toStoredTime(now), id);
    return info.changes === 1;
  }

  /** At start: runs a crash cut off are failed as interrupted, never silently run again. */
  failInterrupted(now: Date): number {
    return this.db
      .prepare("UPDATE task_runs SET status = 'failed', error = 'interrupted: agent-core stopped while the run was in progress', finished_at = ? WHERE status = 'running'")
      .run(toStoredTime(now)).changes;
  }

  get(id: number): TaskRunRow | undefined {
    return this.db.prepare<[number], TaskRunRow>('SELECT * FROM task_runs WHERE id = ?').get(id);
  }

  private write(o: Occurrence, status: TaskRunStatus, error: string | null, now: Date): { run: TaskRunRow; claimed: boolean } {
    const scheduledAt = toStoredTime(o.scheduledAt);
    const info = this.insert.run({
      task_name: o.task,
      execution_id: o.executionId,
      status,
      started_at: toStoredTime(now),
      finished_at: status === 'missed' ? toStoredTime(now) : null,
      error,
      scheduled_at: scheduledAt,
      fencing_token: o.fencingToken,
    });
    return { run: this.byOccurrence.get(o.task, scheduledAt)!, claimed: info.changes === 1 };
  }
}
