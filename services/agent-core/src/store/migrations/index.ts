import type { Migration } from '../migrate';
import { tasksAndRuns } from './0001-tasks-and-runs';
import { leases } from './0002-leases';
import { sessions } from './0003-sessions';
import { messaging } from './0004-messaging';
import { taskOccurrences } from './0005-task-occurrences';

/** Every migration, in order. Append only: a shipped migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [tasksAndRuns, leases, sessions, messaging, taskOccurrences];
