import type { OpenedStore } from '../store/db';

// TODO(store boundary, STYLE.md §1): this SQL belongs in store/task-repo.ts; it lives here only
// because this change was limited to tasks/. It uses the connection's type, never the driver.
type Db = OpenedStore['db'];

/** A row of `tasks`, exactly as gateway.md's DDL names the columns. */
export interface TaskRow {
  name: string;
  /** Relative to the tasks folder (`daily_report.yaml`). */
  yaml_path: string;
  session_id: string | null;
  created_at: string;
  updated_at: string;
  origin_source: string | null;
  origin_platform: string | null;
  origin_channel_id: string | null;
  origin_thread_id: string | null;
  origin_user_id: string | null;
  state_status: string | null;
  state_suspend_reason: string | null;
}

/** A row of `task_runs`. */
export interface TaskRun {
  id: number;
  task_name: string;
  execution_id: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  result: string | null;
}

/** Statements on `tasks` and `task_runs`; multi-statement changes run in one transaction. */
export class TasksTable {
  private readonly selectOne;
  private readonly selectAll;
  private readonly upsert;
  private readonly insertIfAbsent;
  private readonly selectRuns;
  private readonly deleteRow;
  private readonly deleteRuns;

  constructor(private readonly db: Db) {
    this.selectOne = db.prepare<[string], TaskRow>('SELECT * FROM tasks WHERE name = ?');
    this.selectAll = db.prepare<[], TaskRow>('SELECT * FROM tasks ORDER BY name');
    const columns = `(name, yaml_path, session_id, created_at, updated_at, origin_source, origin_platform,
      origin_channel_id, origin_thread_id, origin_user_id, state_status, state_suspend_reason)
      VALUES (@name, @yaml_path, @session_id, @created_at, @updated_at, @origin_source, @origin_platform,
      @origin_channel_id, @origin_thread_id, @origin_user_id, @state_status, @state_suspend_reason)`;
    // A newly created task replaces a row whose YAML is gone (yaml_missing); its run history stays.
    this.upsert = db.prepare<[TaskRow]>(`INSERT INTO tasks ${columns}
      ON CONFLICT(name) DO UPDATE SET yaml_path = excluded.yaml_path, session_id = excluded.session_id,
        created_at = excluded.created_at, updated_at = excluded.updated_at,
        origin_source = excluded.origin_source, origin_platform = excluded.origin_platform,
        origin_channel_id = excluded.origin_channel_id, origin_thread_id = excluded.origin_thread_id,
        origin_user_id = excluded.origin_user_id, state_status = excluded.state_status,
        state_suspend_reason = excluded.state_suspend_reason`);
    this.insertIfAbsent = db.prepare<[TaskRow]>(`INSERT OR IGNORE INTO tasks ${columns}`);
    this.selectRuns = db.prepare<[string, number], TaskRun>(
      'SELECT * FROM task_runs WHERE task_name = ? ORDER BY id DESC LIMIT ?',
    );
    this.deleteRow = db.prepare<[string]>('DELETE FROM tasks WHERE name = ?');
    this.deleteRuns = db.prepare<[string]>('DELETE FROM task_runs WHERE task_name = ?');
  }

  get(name: string): TaskRow | undefined {
    return this.selectOne.get(name);
  }

  all(): TaskRow[] {
    return this.selectAll.all();
  }

  /** Writes the row of a task just created, over any row left by a task whose file is gone. */
  put(row: TaskRow): void {
    this.upsert.run(row);
  }

  /** Registers a file found on disk; a row that appeared meanwhile wins. */
  register(row: TaskRow): void {
    this.insertIfAbsent.run(row);
  }

  /** Newest first. */
  runs(name: string, limit: number): TaskRun[] {
    return this.selectRuns.all(name, limit);
  }

  /** Removes the row and its run history together; returns whether a row existed and the runs removed. */
  remove(name: string): { hadRow: boolean; runsRemoved: number } {
    return this.db.transaction(() => {
      const runsRemoved = this.deleteRuns.run(name).changes;
      const hadRow = this.deleteRow.run(name).changes > 0;
      return { hadRow, runsRemoved };
    }).immediate();
  }
}
