import { basename, extname } from 'node:path';
import { z } from 'zod';
import { AppError, describeZodIssue, isTimeZone, suggestKey, validateCron } from '@cliver/common';
import { isIsoDateTime } from './iso-datetime';
import { parseYamlText } from './yaml-text';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Whether `name` can be a task name (and so a file stem: no dots, slashes or spaces). */
export function isTaskName(name: string): boolean {
  return NAME.test(name) && name.length <= 64;
}

/** A custom issue that reads like the built-in ones: `expected <what>, got <value>`. */
function expectIssue(ctx: z.RefinementCtx, expected: string): void {
  ctx.addIssue({ code: 'custom', message: `expected ${expected}`, params: { expected } });
}

const TaskName = z
  .string()
  .max(64)
  .superRefine((value, ctx) => {
    if (!NAME.test(value)) expectIssue(ctx, 'a name of letters, digits, "_" and "-" such as "daily_report" (it is the file name)');
  });

// Ids as text: an unquoted long number (a Discord snowflake) would lose digits in a double.
const IdText = z.custom<string>((v) => typeof v === 'string', {
  params: { expected: 'a string in quotes (an unquoted number can lose digits)' },
});

const Schedule = z.string().superRefine((value, ctx) => {
  const text = value.trim();
  if (text === '' || isIsoDateTime(text)) return;
  const problem = validateCron(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const RunAt = z.string().superRefine((value, ctx) => {
  if (isIsoDateTime(value.trim())) return;
  ctx.addIssue({
    code: 'custom',
    message: `${JSON.stringify(value)} is not an ISO 8601 date-time; write it like 2026-04-25T14:30:00 (a time without offset is in the task's timezone)`,
  });
});

const TimeZone = z.string().superRefine((value, ctx) => {
  if (!isTimeZone(value)) expectIssue(ctx, 'an IANA time zone such as "Asia/Shanghai"');
});

/** Where a task came from and where its results go back to (cliver-formats.md §3). */
export const TaskOrigin = z.looseObject({
  source: z.string(),
  platform: z.string().optional(),
  channel_id: IdText.optional(),
  thread_id: IdText.optional(),
  user_id: IdText.optional(),
});
export type TaskOrigin = z.infer<typeof TaskOrigin>;

// The shape of `rules` belongs to the permission checker; here only the container is checked.
export const TaskPermissions = z.looseObject({
  mode: z.enum(['default', 'auto-edit', 'yolo']).optional(),
  rules: z.array(z.unknown()).optional(),
});

/**
 * A task file, `<agent>/tasks/<name>.yaml`. Keys we do not know stay in the file and only warn
 * (loose objects), so a file written by a newer or older CLIver still loads. Setting both
 * `schedule` and `run_at` is refused: the original silently ran such a task once and ignored the
 * schedule, which nobody asking for both meant.
 */
export const TaskSpec = z
  .looseObject({
    name: TaskName,
    prompt: z.string().superRefine((value, ctx) => {
      if (value.trim() === '') ctx.addIssue({ code: 'custom', message: 'must not be empty' });
    }),
    description: z.string().optional(),
    model: z.string().optional(),
    schedule: Schedule.optional(),
    run_at: RunAt.optional(),
    skills: z.array(z.string()).optional(),
    workflow: z.string().optional(),
    workflow_inputs: z.record(z.string(), z.unknown()).optional(),
    permissions: TaskPermissions.optional(),
    origin: TaskOrigin.optional(),
    session_id: IdText.optional(),
    timezone: TimeZone.optional(),
    misfire: z.enum(['skip', 'run_once']).default('run_once'),
  })
  .superRefine((spec, ctx) => {
    if (spec.schedule?.trim() && spec.run_at?.trim()) {
      ctx.addIssue({
        code: 'custom',
        path: ['schedule'],
        message: 'cannot be combined with run_at: a task either repeats (schedule) or runs once (run_at); keep one of them',
      });
    }
  });
export type TaskSpec = z.infer<typeof TaskSpec>;
/** A task as written (defaults not filled in): what `TaskStore.create` takes and writes. */
export type TaskSpecInput = z.input<typeof TaskSpec>;

export type TaskTrigger = { kind: 'cron'; cron: string } | { kind: 'once'; runAt: string } | { kind: 'manual' };

/** When a task runs. A date-time in `schedule` means once, as in the original; empty means unset. */
export function taskTrigger(spec: { schedule?: string; run_at?: string }): TaskTrigger {
  const schedule = spec.schedule?.trim();
  const runAt = spec.run_at?.trim();
  if (runAt) return { kind: 'once', runAt };
  if (schedule && isIsoDateTime(schedule)) return { kind: 'once', runAt: schedule };
  if (schedule) return { kind: 'cron', cron: schedule };
  return { kind: 'manual' };
}

/** One thing wrong or doubtful in a task file, located for the person who fixes it. */
export interface TaskProblem {
  file: string;
  line?: number;
  /** Dot path of the key (`origin.channel_id`); '' for the file as a whole. */
  field: string;
  message: string;
}

/** `tasks/x.yaml:3 schedule: "61 * * * *" is not a valid cron expression (…)`. */
export function formatTaskProblem(p: TaskProblem): string {
  const where = `${p.file}${p.line !== undefined ? `:${p.line}` : ''}`;
  return p.field ? `${where} ${p.field}: ${p.message}` : `${where}: ${p.message}`;
}

export interface ParsedTask {
  spec: TaskSpec;
  warnings: TaskProblem[];
}

type LineOf = (path: readonly PropertyKey[]) => number | undefined;

function invalidTask(problems: TaskProblem[]): AppError {
  return new AppError('invalid_argument', problems.map(formatTaskProblem).join('\n'), {
    field: problems[0]?.field || undefined,
    reason: 'invalid_task',
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** In YAML an empty value (`description:`) reads as "not set"; the original dumped no nulls. */
function withoutNulls(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}

function unknownKeys(data: Record<string, unknown>): { path: string[]; key: string; known: string[] }[] {
  const found: { path: string[]; key: string; known: string[] }[] = [];
  const scan = (value: unknown, known: string[], at: string[]) => {
    if (!isPlainObject(value)) return;
    for (const key of Object.keys(value)) if (!known.includes(key)) found.push({ path: [...at, key], key, known });
  };
  scan(data, Object.keys(TaskSpec.shape), []);
  scan(data.origin, Object.keys(TaskOrigin.shape), ['origin']);
  scan(data.permissions, Object.keys(TaskPermissions.shape), ['permissions']);
  return found;
}

function collectWarnings(data: Record<string, unknown>, spec: TaskSpec, file: string, lineOf: LineOf): TaskProblem[] {
  const warnings = unknownKeys(data).map(({ path, key, known }): TaskProblem => {
    const hint = suggestKey(key, known);
    const message = `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; it is kept in the file but not used`;
    return { file, line: lineOf(path), field: path.join('.'), message };
  });
  const schedule = spec.schedule?.trim();
  if (schedule && isIsoDateTime(schedule)) {
    const message = `${JSON.stringify(spec.schedule)} is a date-time, so the task runs once at that time; write it as run_at`;
    warnings.push({ file, line: lineOf(['schedule']), field: 'schedule', message });
  }
  return warnings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/**
 * Checks a task given as data (from YAML, the CLI or an agent tool). `file` names it in messages
 * (`tasks/x.yaml`); the name must equal its stem, since the file name is how a task is found.
 * Throws AppError('invalid_argument') listing every problem, one per line.
 */
export function validateTaskSpec(input: unknown, file: string, lineOf: LineOf = () => undefined): ParsedTask {
  if (input === null || input === undefined) {
    throw invalidTask([{ file, field: '', message: 'the file is empty; a task needs at least name and prompt' }]);
  }
  const data = withoutNulls(input);
  const result = TaskSpec.safeParse(data);
  if (!result.success) {
    throw invalidTask(
      result.error.issues.map((issue) => {
        const { path, message } = describeZodIssue(issue, data, TaskSpec);
        return { file, line: lineOf(issue.path), field: path, message };
      }),
    );
  }
  const spec = result.data;
  const stem = basename(file, extname(file));
  if (spec.name !== stem) {
    const message = `"${spec.name}" does not match the file name ${basename(file)}; a task's name is its file name, so rename one of them`;
    throw invalidTask([{ file, line: lineOf(['name']), field: 'name', message }]);
  }
  return { spec, warnings: collectWarnings(data as Record<string, unknown>, spec, file, lineOf) };
}

/** Parses the text of a task file; `file` (e.g. `tasks/x.yaml`) only names it in messages. */
export function parseTaskYaml(text: string, file: string): ParsedTask {
  const parsed = parseYamlText(text);
  if (!parsed.ok) throw invalidTask([{ file, line: parsed.line, field: '', message: parsed.message }]);
  return validateTaskSpec(parsed.yaml.data, file, parsed.yaml.lineOf);
}
