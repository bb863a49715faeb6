import type { Migration } from '../migrate';

// A row is never deleted: releasing a lease clears the holder but keeps `token`, so the fencing
// token of a name only ever grows.
export const leases: Migration = {
  version: 2,
  name: 'leases',
  sql: `
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  token INTEGER NOT NULL,
  holder_id TEXT,
  holder_host TEXT,
  holder_pid INTEGER,
  holder_started_at_ms INTEGER,
  holder_service TEXT,
  acquired_at_ms INTEGER NOT NULL,
  renewed_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL
) STRICT;
`,
};
