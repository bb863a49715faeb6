import type Database from 'better-sqlite3';
import { AppError } from '@cliver/common';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export interface MigrationResult {
  from: number;
  to: number;
  applied: string[];
}

export function schemaVersion(db: Database.Database): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

/**
 * Brings the database up to the newest migration, each one in its own transaction and recorded in
 * `schema_migrations`. A database newer than this code is refused untouched: running old code on
 * a newer schema is how data gets corrupted.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], file = 'gateway.db'): MigrationResult {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const from = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (from > latest) {
    throw new AppError(
      'failed_precondition',
      `${file} has schema version ${from}, but this CLIver Gateway knows only up to ${latest}. ` +
        'Upgrade CLIver Gateway (or restore a backup made for this version); the database was not changed.',
      { reason: 'schema_too_new' },
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: string[] = [];
  for (const m of migrations) {
    if (m.version <= from) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    })();
    applied.push(`${String(m.version).padStart(4, '0')}-${m.name}`);
  }
  return { from, to: Math.max(from, latest), applied };
}
