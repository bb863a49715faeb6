import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store/db';
import type { Tool, ToolContext } from '../tools/tool';
import { TaskStore } from './task-store';
import { taskTools } from './task-tools';

const TELEGRAM = { platform: 'telegram', channelId: '123456789', threadId: '42', userId: '555' };

function setup() {
  const home = mkdtempSync(join(tmpdir(), 'cliver-task-tools-'));
  const { db } = openStore(join(home, 'gateway.db'));
  const tasksDir = join(home, 'tasks');
  const store = new TaskStore({ db, tasksDir, timezone: 'UTC', now: () => new Date('2026-04-25T06:30:00Z') });
  const tools = new Map(taskTools(store).map((t): [string, Tool] => [t.name, t]));
  const run = (name: string, args: unknown, ctx: Partial<ToolContext> = {}) =>
    tools.get(name)!.execute(args, { surface: 'cli', signal: new AbortController().signal, ...ctx });
  const row = (name: string) => db.prepare('SELECT * FROM tasks WHERE name = ?').get(name) as Record<string, unknown> | undefined;
  return { db, tasksDir, store, run, row, tools };
}

describe('CreateTask', () => {
  it('answers with the schedule of a recurring task', async () => {
    const { run } = setup();
    await expect(run('CreateTask', { name: 'daily_report', prompt: 'Summarize', schedule: '0 17 * * *' })).resolves.toBe(
      "Task 'daily_report' created (schedule: 0 17 * * *)",
    );
  });

  it('answers with the time of a one-time task', async () => {
    const { run } = setup();
    await expect(run('CreateTask', { name: 'remind_me', prompt: 'Remind me', run_at: '2026-12-01T09:00:00' })).resolves.toBe(
      "Task 'remind_me' created (run at: 2026-12-01T09:00:00)",
    );
  });

  it('answers "manual" for a task with neither, treating null and empty arguments as not given', async () => {
    const { run } = setup();
    await expect(run('CreateTask', { name: 'adhoc', prompt: 'Do it', schedule: '', run_at: null, model: null })).resolves.toBe(
      "Task 'adhoc' created (manual)",
    );
  });

  it('turns a date-time passed as schedule into run_at, as the original did', async () => {
    const { run, tasksDir } = setup();
    await expect(run('CreateTask', { name: 'once', prompt: 'Once', schedule: '2026-05-01T08:00:00' })).resolves.toBe(
      "Task 'once' created (run at: 2026-05-01T08:00:00)",
    );
    expect(readFileSync(join(tasksDir, 'once.yaml'), 'utf8')).toBe("name: once\nprompt: Once\nrun_at: '2026-05-01T08:00:00'\n");
  });

  it('returns the original\'s exact error for an invalid run_at and writes nothing', async () => {
    const { run, tasksDir } = setup();
    await expect(run('CreateTask', { name: 'later', prompt: 'Later', run_at: 'next tuesday' })).resolves.toBe(
      "Error: invalid run_at 'next tuesday'. Use ISO 8601 (e.g. 2026-04-25T14:30:00).",
    );
    expect(existsSync(join(tasksDir, 'later.yaml'))).toBe(false);
  });

  it('in an IM turn links the origin and the session in the row, and says where results go', async () => {
    const { run, row } = setup();
    const answer = await run('CreateTask', { name: 'standup', prompt: 'Ask for updates', schedule: '0 9 * * 1-5' }, {
      surface: 'im',
      origin: TELEGRAM,
      sessionId: 'sess-42',
    });
    expect(answer).toBe("Task 'standup' created (schedule: 0 9 * * 1-5) (reply-back: telegram)");
    expect(row('standup')).toMatchObject({
      session_id: 'sess-42',
      origin_source: 'telegram',
      origin_platform: 'telegram',
      origin_channel_id: '123456789',
      origin_thread_id: '42',
      origin_user_id: '555',
    });
  });

  it('links nothing outside an IM turn', async () => {
    const { run, row } = setup();
    const answer = await run('CreateTask', { name: 'api_task', prompt: 'x' }, { surface: 'api', origin: TELEGRAM, sessionId: 's' });
    expect(answer).toBe("Task 'api_task' created (manual)");
    expect(row('api_task')).toMatchObject({ origin_source: null, session_id: null });
  });

  it('refuses an invalid cron expression with the file, field and reason', async () => {
    const { run } = setup();
    await expect(run('CreateTask', { name: 'bad', prompt: 'x', schedule: '0 9 * *' })).rejects.toMatchObject({
      code: 'invalid_argument',
      message: 'tasks/bad.yaml schedule: "0 9 * *" is not a valid cron expression (it has 4 fields; cron needs 5: minute hour day-of-month month day-of-week)',
    });
  });

  it('refuses a name that is not snake_case-ish and a name that is taken', async () => {
    const { run } = setup();
    await expect(run('CreateTask', { name: 'daily report', prompt: 'x' })).rejects.toMatchObject({ code: 'invalid_argument', field: 'name' });
    await run('CreateTask', { name: 'dup', prompt: 'x' });
    await expect(run('CreateTask', { name: 'dup', prompt: 'y' })).rejects.toMatchObject({
      code: 'already_exists',
      message: "Task 'dup' already exists",
    });
  });

  it('refuses an argument it does not know instead of dropping it', async () => {
    const { run } = setup();
    await expect(run('CreateTask', { name: 'x', prompt: 'hi', content: 'hi' })).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringContaining('content'),
    });
  });

  it('tells the model which arguments are required', () => {
    const { tools } = setup();
    expect(tools.get('CreateTask')!.parameters).toMatchObject({ type: 'object', required: ['name', 'prompt'] });
  });
});

describe('ListTasks', () => {
  it('lists each task with when it runs and its status, broken files included', async () => {
    const { run, tasksDir } = setup();
    await expect(run('ListTasks', {})).resolves.toBe('No tasks.');
    await run('CreateTask', { name: 'daily_report', prompt: 'x', schedule: '0 17 * * *' });
    await run('CreateTask', { name: 'remind_me', prompt: 'x', run_at: '2026-12-01T09:00:00' });
    await run('CreateTask', { name: 'adhoc', prompt: 'x' });
    writeFileSync(join(tasksDir, 'broken.yaml'), 'name: broken\n');
    await expect(run('ListTasks', {})).resolves.toBe(
      [
        '- adhoc: manual · pending',
        '- broken: yaml_invalid: tasks/broken.yaml:1 prompt: is required',
        '- daily_report: schedule: 0 17 * * * · pending',
        '- remind_me: run at: 2026-12-01T09:00:00 · pending',
      ].join('\n'),
    );
  });
});

describe('DeleteTask', () => {
  it('deletes a task and says how many runs went with it', async () => {
    const { run, db } = setup();
    await run('CreateTask', { name: 'old', prompt: 'x' });
    const insert = db.prepare("INSERT INTO task_runs (task_name, execution_id, status, started_at) VALUES ('old', ?, 'completed', '2026-04-25T06:30:00+00:00')");
    insert.run('aaaaaaaa');
    insert.run('bbbbbbbb');
    await expect(run('DeleteTask', { name: 'old' })).resolves.toBe("Task 'old' deleted (2 runs removed)");
    await expect(run('DeleteTask', { name: 'old' })).rejects.toMatchObject({ code: 'not_found', message: "Task 'old' not found" });
  });
});
