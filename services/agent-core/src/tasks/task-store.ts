import { existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { AppError } from '@cliver/common';
import type { OpenedStore } from '../store/db';
import { FileExistsError, writeFileAtomic } from '../files/atomic-file';
import { loadTaskFile, type TaskFileStatus } from './load-task-file';
import { formatWithOffset } from './local-time';
import { formatTaskProblem, isTaskName, validateTaskSpec, type TaskOrigin, type TaskSpec, type TaskSpecInput } from './task-spec';
import { TasksTable, type TaskRow, type TaskRun } from './tasks-table';
import { stringifyTaskYaml } from './yaml-text';

export type { TaskRun } from './tasks-table';
export type { TaskStatus } from './load-task-file';

export interface TaskStoreOptions {
  db: OpenedStore['db'];
  /** `<home>/<agent>/tasks`; created on the first write. */
  tasksDir: string;
  /** IANA zone the stored timestamps are written in (config `timezone`). */
  timezone: string;
  now: () => Date;
}

/** Who a task reports back to: set when it is created from an IM conversation. */
export interface TaskLink {
  origin?: TaskOrigin;
  sessionId?: string;
}

/** A task as the admin API lists it: the YAML fields plus what the database knows. */
export type TaskItem = Partial<TaskSpec> &
  TaskFileStatus & {
    name: string;
    /** Relative to the tasks folder. */
    yaml_path: string;
    created_at: string;
    updated_at: string;
    live_status?: { status: string; updated_at: string; suspend_reason: string | null };
    last_run?: TaskRun;
    origin?: TaskOrigin;
    session_id?: string;
  };

export interface CreatedTask {
  /** Absolute path of the YAML written. */
  path: string;
  item: TaskItem;
}

const YAML_EXT = '.yaml';

function rowOrigin(row: TaskRow): TaskOrigin | undefined {
  if (!row.origin_source && !row.origin_platform) return undefined;
  const origin: TaskOrigin = { source: row.origin_source ?? row.origin_platform! };
  if (row.origin_platform !== null) origin.platform = row.origin_platform;
  if (row.origin_channel_id !== null) origin.channel_id = row.origin_channel_id;
  if (row.origin_thread_id !== null) origin.thread_id = row.origin_thread_id;
  if (row.origin_user_id !== null) origin.user_id = row.origin_user_id;
  return origin;
}

function notFound(name: string): AppError {
  return new AppError('not_found', `Task '${name}' not found`, { reason: 'task_not_found' });
}

/**
 * The tasks of one agent: a YAML file per task (what users edit) and a `tasks` row (what the
 * gateway tracks). A file on disk is never deleted or rewritten except by `delete` and `create`;
 * one that does not load is reported, so a typo never costs a user their task.
 */
export class TaskStore {
  private readonly table: TasksTable;
  private readonly tasksDir: string;

  constructor(private readonly opts: TaskStoreOptions) {
    this.table = new TasksTable(opts.db);
    this.tasksDir = resolve(opts.tasksDir);
  }

  /**
   * Writes `<name>.yaml` (never over an existing file) and its row. If the row cannot be written
   * the new file is removed again, so the two never disagree. Origin and session go to the row
   * (the original kept them out of the YAML); an origin written in `spec` stays in the YAML too.
   */
  create(spec: TaskSpecInput, link: TaskLink = {}): CreatedTask {
    const name = String(spec.name);
    const yamlPath = `${name}${YAML_EXT}`;
    const { spec: valid } = validateTaskSpec(spec, this.label(yamlPath));
    const existing = this.table.get(name);
    if (existing && existsSync(this.pathOf(existing.yaml_path))) throw this.taken(name);
    const path = this.pathOf(yamlPath);
    const data = Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined && v !== null));
    try {
      writeFileAtomic(path, stringifyTaskYaml(data), { exclusive: true });
    } catch (err) {
      throw err instanceof FileExistsError ? this.taken(name) : err;
    }
    try {
      this.table.put(this.newRow(name, yamlPath, link.origin ?? valid.origin, link.sessionId ?? valid.session_id));
    } catch (err) {
      try {
        rmSync(path, { force: true });
      } catch {
        // Left behind, the file is registered by the next list(): the task is kept, not lost.
      }
      throw err;
    }
    return { path, item: this.toItem(this.table.get(name)!) };
  }

  /** One task; a hand-written `<name>.yaml` without a row is registered first. */
  get(name: string): TaskItem {
    const row = isTaskName(name) ? (this.table.get(name) ?? this.registerFile(name)) : undefined;
    if (!row) throw notFound(name);
    return this.toItem(row);
  }

  /** Every task, by name: registered rows, plus hand-written files registered on the way. */
  list(): TaskItem[] {
    const items = new Map(this.table.all().map((row) => [row.name, () => this.toItem(row)]));
    for (const file of this.yamlFiles()) {
      const stem = basename(file, YAML_EXT);
      if (items.has(stem)) continue;
      if (isTaskName(stem)) {
        const row = this.registerFile(stem)!;
        items.set(stem, () => this.toItem(row));
      } else {
        items.set(stem, () => this.badFileName(file));
      }
    }
    return [...items.keys()].sort().map((name) => items.get(name)!());
  }

  /**
   * Removes the YAML, the row and the run history; returns the number of runs removed. The file
   * goes first: if that fails nothing has changed, and if the database then fails, the row is
   * left as yaml_missing and a second delete finishes the job.
   */
  delete(name: string): number {
    const row = isTaskName(name) ? this.table.get(name) : undefined;
    const path = this.pathOf(row?.yaml_path ?? `${name}${YAML_EXT}`);
    if (!row && !(isTaskName(name) && existsSync(path))) throw notFound(name);
    rmSync(path, { force: true });
    return this.table.remove(name).runsRemoved;
  }

  /** The task's runs, newest first. */
  runs(name: string, limit = 10): TaskRun[] {
    return this.table.runs(name, Math.max(1, Math.floor(limit)));
  }

  private taken(name: string): AppError {
    return new AppError('already_exists', `Task '${name}' already exists`, { reason: 'task_name_taken', field: 'name' });
  }

  private pathOf(yamlPath: string): string {
    return resolve(this.tasksDir, yamlPath);
  }

  /** How messages name a task file: `tasks/daily_report.yaml`. */
  private label(yamlPath: string): string {
    return `${basename(this.tasksDir)}/${yamlPath}`;
  }

  private timestamp(): string {
    return formatWithOffset(this.opts.now(), this.opts.timezone);
  }

  private newRow(name: string, yamlPath: string, origin?: TaskOrigin, sessionId?: string): TaskRow {
    const now = this.timestamp();
    return {
      name,
      yaml_path: yamlPath,
      session_id: sessionId ?? null,
      created_at: now,
      updated_at: now,
      origin_source: origin?.source ?? null,
      origin_platform: origin?.platform ?? null,
      origin_channel_id: origin?.channel_id ?? null,
      origin_thread_id: origin?.thread_id ?? null,
      origin_user_id: origin?.user_id ?? null,
      state_status: 'pending',
      state_suspend_reason: null,
    };
  }

  /**
   * gateway.md says a hand-written file works, so one without a row gets a row (the original
   * ignored such files). Origin and session stay in the YAML, which `toItem` reads first.
   */
  private registerFile(name: string): TaskRow | undefined {
    const yamlPath = `${name}${YAML_EXT}`;
    if (!existsSync(this.pathOf(yamlPath))) return undefined;
    this.table.register(this.newRow(name, yamlPath));
    return this.table.get(name);
  }

  private yamlFiles(): string[] {
    if (!existsSync(this.tasksDir)) return [];
    return readdirSync(this.tasksDir, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith(YAML_EXT) && !e.name.startsWith('.'))
      .map((e) => e.name);
  }

  private badFileName(file: string): TaskItem {
    const now = this.timestamp();
    const problem = { file: this.label(file), field: '', message: 'the file name is not a task name (letters, digits, "_" and "-" only); rename the file' };
    const name = basename(file, YAML_EXT);
    return { name, yaml_path: file, task_status: 'yaml_invalid', task_error: formatTaskProblem(problem), created_at: now, updated_at: now };
  }

  private toItem(row: TaskRow): TaskItem {
    const { spec, status } = loadTaskFile(this.pathOf(row.yaml_path), row.yaml_path, this.label(row.yaml_path));
    const item: TaskItem = {
      ...spec,
      ...status,
      name: row.name,
      yaml_path: row.yaml_path,
      created_at: row.created_at,
      updated_at: row.updated_at,
    };
    if (row.state_status) {
      item.live_status = { status: row.state_status, updated_at: row.updated_at, suspend_reason: row.state_suspend_reason };
    }
    const lastRun = this.table.runs(row.name, 1)[0];
    if (lastRun) item.last_run = lastRun;
    // A hand-edited origin in the YAML is the user's latest word; the row holds what CreateTask linked.
    const origin = spec?.origin ?? rowOrigin(row);
    if (origin) item.origin = origin;
    const sessionId = spec?.session_id ?? row.session_id ?? undefined;
    if (sessionId) item.session_id = sessionId;
    return item;
  }
}
