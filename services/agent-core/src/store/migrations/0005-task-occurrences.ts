import type { Migration } from '../migrate';

// A scheduled run is claimed for its occurrence: (task_name, scheduled_at) is unique, so one
// occurrence becomes one row whatever fires it — a double tick, a restarted scheduler, a standby
// that took over. Manual runs (`task run NAME`) have no scheduled_at and are not limited.
// fencing_token records which scheduler lease claimed it, for the audit trail.
export const taskOccurrences: Migration = {
  version: 5,
  name: 'task-occurrences',
  sql: `
ALTER TABLE task_runs ADD COLUMN scheduled_at TEXT;
ALTER TABLE task_runs ADD COLUMN fencing_token INTEGER;
CREATE UNIQUE INDEX ux_task_runs_occurrence ON task_runs(task_name, scheduled_at) WHERE scheduled_at IS NOT NULL;
`,
};
