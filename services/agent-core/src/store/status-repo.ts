import type Database from 'better-sqlite3';
import { schemaVersion } from './migrate';

/** Read-only figures for the gateway status. */
export class StatusRepo {
  private readonly countRuns: Database.Statement<[], { n: number }>;

  constructor(private readonly db: Database.Database) {
    this.countRuns = db.prepare('SELECT COUNT(*) AS n FROM task_runs');
  }

  countTaskRuns(): number {
    return this.countRuns.get()!.n;
  }

  schemaVersion(): number {
    return schemaVersion(this.db);
  }
}
