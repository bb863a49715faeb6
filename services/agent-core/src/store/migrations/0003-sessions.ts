import type { Migration } from '../migrate';

// `source` has no CHECK: adding a source later would mean rebuilding the table in SQLite.
// Timestamps are ISO-8601 UTC written in one fixed format, so ordering and age cut-offs can
// compare the text (and use the indexes) instead of parsing dates.
// `summary_upto_turn` is the id of the last turn the stored summary covers; compression never
// deletes turns, so the portal still shows every raw turn.
export const sessions: Migration = {
  version: 3,
  name: 'sessions',
  sql: `
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  title TEXT,
  im_key TEXT,
  platform TEXT,
  options_json TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  summary TEXT,
  summary_upto_turn INTEGER
);
CREATE UNIQUE INDEX idx_sessions_im_key ON sessions(im_key) WHERE im_key IS NOT NULL;
CREATE INDEX idx_sessions_source_updated_at ON sessions(source, updated_at DESC);
CREATE INDEX idx_sessions_updated_at ON sessions(updated_at DESC);
CREATE TABLE turns (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
  content TEXT NOT NULL,
  created_at TEXT NOT NULL,
  prompt_tokens INTEGER,
  completion_tokens INTEGER,
  model TEXT
);
CREATE INDEX idx_turns_session_id ON turns(session_id, id);
`,
};
