import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations';
import { migrate, type MigrationResult } from './migrate';

export interface OpenedStore {
  db: Database.Database;
  migration: MigrationResult;
}

// The database holds prompts, answers and sessions: its folder and files are the owner's only.
// SQLite creates the -wal and -shm files with the database file's mode, so the file is made
// private before SQLite first opens it; a database left readable by an older version is tightened.
const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

function keepPrivate(file: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  chmodSync(dir, PRIVATE_DIR);
  if (!existsSync(file)) closeSync(openSync(file, 'a', PRIVATE_FILE));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, PRIVATE_FILE);
}

/**
 * Opens gateway.db the one way this codebase does: WAL (readers never block the writer), foreign
 * keys on, and a busy timeout so a short write lock from a second process waits instead of failing.
 */
export function openStore(file: string): OpenedStore {
  keepPrivate(file);
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
