import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { AppError } from '@cliver/common';
import { writeFileAtomic } from '../files/atomic-file';
import { isTaskName } from './task-spec';

/** What a run without an IM origin leaves behind (cliver-formats.md §3), field names as the original's. */
export interface TaskResultFile {
  task_name: string;
  execution_id: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  result: string | null;
  error: string | null;
}

const EXECUTION_ID = /^[0-9a-f]{8}$/;

/** A run's id: 8 hex characters, as the original's. */
export function newExecutionId(): string {
  return randomBytes(4).toString('hex');
}

/** `<tasksDir>/<name>/<name>_execution_<id>.json`. */
export function resultFilePath(tasksDir: string, taskName: string, executionId: string): string {
  // Both parts become path segments: anything else could write outside the task's folder.
  if (!isTaskName(taskName)) {
    throw new AppError('invalid_argument', `"${taskName}" is not a task name`, { field: 'task_name', reason: 'invalid_task' });
  }
  if (!EXECUTION_ID.test(executionId)) {
    throw new AppError('invalid_argument', `execution_id "${executionId}" is not 8 hex characters`, { field: 'execution_id' });
  }
  return join(resolve(tasksDir), taskName, `${taskName}_execution_${executionId}.json`);
}

/** Writes the result file (pretty-printed UTF-8 JSON, written whole or not at all); returns its path. */
export function writeResultFile(tasksDir: string, record: TaskResultFile): string {
  const path = resultFilePath(tasksDir, record.task_name, record.execution_id);
  const body: TaskResultFile = {
    task_name: record.task_name,
    execution_id: record.execution_id,
    status: record.status,
    started_at: record.started_at,
    finished_at: record.finished_at,
    result: record.result,
    error: record.error,
  };
  writeFileAtomic(path, `${JSON.stringify(body, null, 2)}\n`);
  return path;
}
