import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations';
import { migrate, type MigrationResult } from './migrate';

export interface OpenedStore {
  db: Database.Database;
  migration: MigrationResult;
}

/**
 * Opens gateway.db the one way this codebase does: WAL (readers never block the writer), foreign
 * keys on, and a busy timeout so a short write lock from a second process waits instead of failing.
 */
export function openStore(file: string): OpenedStore {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const migration = migrate(db, MIGRATIONS, file);
    return { db, migration };
  } catch (err) {
    db.close();
    throw err;
  }
}
