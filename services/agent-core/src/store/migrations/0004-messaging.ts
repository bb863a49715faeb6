import type { Migration } from '../migrate';

// Inbound: every platform event adapter-host recorded, unique per (adapter, event_id) so a
// re-delivered event is recognised; `status` is the per-conversation FIFO queue (`queued` rows of
// one `conversation` run oldest first, one at a time). A row is never deleted by the queue: it is
// the dead-letter record when a turn fails.
// Outbox: one row per reply or task result, unique per `dedupe_key` (the turn or run it answers,
// never the attempt), `delivered` only when every chunk has a platform message id in
// outbox_chunks.
export const messaging: Migration = {
  version: 4,
  name: 'messaging',
  sql: `
CREATE TABLE inbound_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  adapter TEXT NOT NULL,
  event_id TEXT NOT NULL,
  conversation TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  thread_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  user_name TEXT NOT NULL,
  text TEXT NOT NULL,
  attachments_json TEXT NOT NULL DEFAULT '[]',
  is_group INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  received_at TEXT NOT NULL,
  finished_at TEXT,
  UNIQUE (adapter, event_id)
) STRICT;
CREATE INDEX idx_inbound_queue ON inbound_messages(status, conversation, id);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  dedupe_key TEXT NOT NULL UNIQUE,
  adapter TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  thread_id TEXT NOT NULL,
  reply_to_message_id TEXT NOT NULL DEFAULT '',
  markdown TEXT NOT NULL,
  attachments_json TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  chunk_count INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  next_attempt_at_ms INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  delivered_at TEXT
) STRICT;
CREATE INDEX idx_outbox_pending ON outbox(status, adapter, id);

CREATE TABLE outbox_chunks (
  outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  platform_message_id TEXT NOT NULL,
  fencing_token INTEGER NOT NULL,
  posted_at TEXT NOT NULL,
  PRIMARY KEY (outbox_id, idx)
) STRICT;
`,
};
