import type { Migration } from '../migrate';

// Exactly gateway.md's DDL, so the original's tools and `sqlite3` one-liners keep working.
export const tasksAndRuns: Migration = {
  version: 1,
  name: 'tasks-and-runs',
  sql: `
CREATE TABLE tasks (
  name TEXT PRIMARY KEY,
  yaml_path TEXT NOT NULL,
  session_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  origin_source TEXT,
  origin_platform TEXT,
  origin_channel_id TEXT,
  origin_thread_id TEXT,
  origin_user_id TEXT,
  state_status TEXT,
  state_suspend_reason TEXT
);
CREATE TABLE task_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_name TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  status TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  error TEXT,
  result TEXT
);
CREATE INDEX idx_task_runs_task_name ON task_runs(task_name);
CREATE INDEX idx_task_runs_started_at ON task_runs(task_name, started_at DESC);
`,
};
