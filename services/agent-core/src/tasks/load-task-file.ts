import { readFileSync } from 'node:fs';
import { AppError } from '@cliver/common';
import { formatTaskProblem, parseTaskYaml, type TaskSpec } from './task-spec';

/** Whether the task's YAML could be used (cliver-formats.md §7). */
export type TaskStatus = 'active' | 'yaml_missing' | 'yaml_invalid';

/** How a task file loaded, in the admin API's field names. */
export interface TaskFileStatus {
  task_status: TaskStatus;
  task_error?: string;
  /** Ours: unknown keys and other doubts found in the YAML. */
  task_warnings?: string[];
}

/**
 * Reads and checks a task file without ever changing it. `yamlPath` is relative to the tasks
 * folder (quoted in "not found", as the original did); `label` names the file in problems.
 */
export function loadTaskFile(path: string, yamlPath: string, label: string): { spec?: TaskSpec; status: TaskFileStatus } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { status: { task_status: 'yaml_missing', task_error: `YAML file not found: ${yamlPath}` } };
    return { status: { task_status: 'yaml_invalid', task_error: `cannot read ${label} (${code ?? String(err)})` } };
  }
  try {
    const { spec, warnings } = parseTaskYaml(text, label);
    const status: TaskFileStatus = { task_status: 'active' };
    if (warnings.length) status.task_warnings = warnings.map(formatTaskProblem);
    return { spec, status };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { status: { task_status: 'yaml_invalid', task_error: err.message } };
  }
}
