import Database from 'better-sqlite3';
import { chmodSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MIGRATIONS } from './migrations';
import { migrate, schemaVersion } from './migrate';
import { openStore } from './db';

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'cliver-db-')), 'gateway.db');
}

function columns(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
}

describe('migrations', () => {
  it('bring an empty database to the newest version with gateway.md tables', () => {
    const { db, migration } = openStore(tempDb());
    expect(migration).toEqual({ from: 0, to: MIGRATIONS.at(-1)!.version, applied: ['0001-tasks-and-runs', '0002-leases', '0003-sessions', '0004-messaging', '0005-task-occurrences'] });
    expect(columns(db, 'tasks')).toEqual([
      'name', 'yaml_path', 'session_id', 'created_at', 'updated_at', 'origin_source', 'origin_platform',
      'origin_channel_id', 'origin_thread_id', 'origin_user_id', 'state_status', 'state_suspend_reason',
    ]);
    // gateway.md's columns, then ours (0005: the occurrence a scheduled run was claimed for).
    expect(columns(db, 'task_runs')).toEqual(['id', 'task_name', 'execution_id', 'status', 'started_at', 'finished_at', 'error', 'result', 'scheduled_at', 'fencing_token']);
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'task_runs'").all() as Array<{ name: string }>).map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(['idx_task_runs_task_name', 'idx_task_runs_started_at']));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('apply only what is missing to a database left at the previous migration, keeping its rows', () => {
    const file = tempDb();
    const old = new Database(file);
    migrate(old, MIGRATIONS.slice(0, -1));
    old.prepare("INSERT INTO task_runs (task_name, execution_id, status, started_at) VALUES ('daily', 'ab12cd34', 'completed', '2026-11-26T09:00:00+00:00')").run();
    old.close();

    const { db, migration } = openStore(file);
    expect(migration.from).toBe(MIGRATIONS.length - 1);
    expect(migration.applied).toEqual(['0005-task-occurrences']);
    expect(db.prepare('SELECT task_name, execution_id FROM task_runs').all()).toEqual([{ task_name: 'daily', execution_id: 'ab12cd34' }]);
    expect(columns(db, 'task_runs')).toContain('scheduled_at');
    db.close();
  });

  it('does nothing on a second start', () => {
    const file = tempDb();
    openStore(file).db.close();
    const { db, migration } = openStore(file);
    expect(migration.applied).toEqual([]);
    db.close();
  });

  it('refuses a database newer than the code and leaves it unchanged', () => {
    const file = tempDb();
    const { db } = openStore(file);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from-the-future', 'x')").run();
    db.close();
    expect(() => openStore(file)).toThrow(
      `${file} has schema version 99, but this CLIver Gateway knows only up to 5. Upgrade CLIver Gateway (or restore a backup made for this version); the database was not changed.`,
    );
    const after = new Database(file);
    expect(schemaVersion(after)).toBe(99);
    after.close();
  });

  it('rolls back a migration that fails halfway, recording nothing', () => {
    const db = new Database(':memory:');
    const broken = [...MIGRATIONS, { version: 6, name: 'broken', sql: 'CREATE TABLE t3 (x INTEGER); INSERT INTO nope VALUES (1);' }];
    expect(() => migrate(db, broken)).toThrow(/no such table: nope/);
    expect(schemaVersion(db)).toBe(5);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 't3'").get()).toBeUndefined();
  });
});

describe('the store files', () => {
  const modeOf = (path: string) => statSync(path).mode & 0o777;

  it('are created for the owner only: folder 0700, database and its WAL files 0600', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cliver-db-')), 'agent', 'gateway.db');
    const { db } = openStore(file);
    db.prepare('CREATE TABLE t (x)').run();
    expect(modeOf(dirname(file))).toBe(0o700);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(f)).toBe(0o600);
    db.close();
  });

  it('are tightened when an older version left them readable by others', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cliver-db-'));
    const file = join(dir, 'gateway.db');
    openStore(file).db.close();
    chmodSync(dir, 0o755);
    chmodSync(file, 0o644);
    const { db } = openStore(file);
    expect([modeOf(dir), modeOf(file)]).toEqual([0o700, 0o600]);
    db.close();
  });
});
