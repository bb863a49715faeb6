import type Database from 'better-sqlite3';
import { schemaVersion } from './migrate';

/** Read-only figures for the gateway status. */
export class StatusRepo {
  private readonly countRuns: Database.Statement<[], { n: number }>;

  constructor(private readonly db: Database.Database) {
    // An occurrence recorded as missed did not run: `tasks_run` counts runs.
    this.countRuns = db.prepare("SELECT COUNT(*) AS n FROM task_runs WHERE status != 'missed'");
  }

  countTaskRuns(): number {
    return this.countRuns.get()!.n;
  }

  schemaVersion(): number {
    return schemaVersion(this.db);
  }
}
