import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { thrownAppError, FIXTURE_HOME } from '@cliver/testkit';
import { openStore } from '../store/db';
import { TaskStore } from './task-store';

const FIXTURES = join(FIXTURE_HOME, 'CLIver', 'tasks');
// 14:30 in Shanghai: stored timestamps carry the +08:00 offset.
const NOW = new Date('2026-04-25T06:30:00Z');
const STAMP = '2026-04-25T14:30:00+08:00';

function setup() {
  const home = mkdtempSync(join(tmpdir(), 'cliver-tasks-'));
  const { db } = openStore(join(home, 'gateway.db'));
  const tasksDir = join(home, 'tasks');
  const store = new TaskStore({ db, tasksDir, timezone: 'Asia/Shanghai', now: () => NOW });
  const row = (name: string) => db.prepare('SELECT * FROM tasks WHERE name = ?').get(name) as Record<string, unknown> | undefined;
  const addRun = (task: string, id: string, startedAt: string) =>
    db
      .prepare("INSERT INTO task_runs (task_name, execution_id, status, started_at, finished_at, result) VALUES (?, ?, 'completed', ?, ?, 'ok')")
      .run(task, id, startedAt, startedAt);
  const countRuns = (task: string) => (db.prepare('SELECT COUNT(*) AS n FROM task_runs WHERE task_name = ?').get(task) as { n: number }).n;
  return { db, tasksDir, store, row, addRun, countRuns };
}

const DAILY = {
  name: 'daily_report',
  prompt: "Summarize today's GitHub activity for cliver-project",
  schedule: '0 17 * * *',
  model: 'openai/gpt-4o',
  description: 'Daily summary of repository activity',
  skills: ['release-notes'],
};

describe('TaskStore.create', () => {
  it('writes the YAML the original would have written and a row with a relative path and offset timestamps', () => {
    const { store, tasksDir, row } = setup();
    const { path, item } = store.create(DAILY);
    expect(path).toBe(join(tasksDir, 'daily_report.yaml'));
    expect(readFileSync(path, 'utf8')).toBe(readFileSync(`${FIXTURES}/daily_report.yaml`, 'utf8'));
    expect(row('daily_report')).toEqual({
      name: 'daily_report',
      yaml_path: 'daily_report.yaml',
      session_id: null,
      created_at: STAMP,
      updated_at: STAMP,
      origin_source: null,
      origin_platform: null,
      origin_channel_id: null,
      origin_thread_id: null,
      origin_user_id: null,
      state_status: 'pending',
      state_suspend_reason: null,
    });
    expect(item).toMatchObject({ name: 'daily_report', task_status: 'active', schedule: '0 17 * * *', live_status: { status: 'pending' } });
    expect(readdirSync(tasksDir)).toEqual(['daily_report.yaml']);
  });

  it('links an IM origin and session in the row, leaving them out of the YAML as the original did', () => {
    const { store, row } = setup();
    const origin = { source: 'telegram', platform: 'telegram', channel_id: '123', thread_id: '42', user_id: '7' };
    const { path, item } = store.create({ name: 'ping', prompt: 'ping me', run_at: '2026-05-01T09:00:00' }, { origin, sessionId: 's-1' });
    expect(row('ping')).toMatchObject({
      session_id: 's-1',
      origin_source: 'telegram',
      origin_platform: 'telegram',
      origin_channel_id: '123',
      origin_thread_id: '42',
      origin_user_id: '7',
    });
    expect(readFileSync(path, 'utf8')).toBe("name: ping\nprompt: ping me\nrun_at: '2026-05-01T09:00:00'\n");
    expect(item).toMatchObject({ origin, session_id: 's-1' });
  });

  it('refuses a name that is taken, leaving the existing file as it was', () => {
    const { store, tasksDir } = setup();
    store.create(DAILY);
    const before = readFileSync(join(tasksDir, 'daily_report.yaml'), 'utf8');
    const err = thrownAppError(() => store.create({ ...DAILY, prompt: 'something else' }));
    expect([err.code, err.reason, err.message]).toEqual(['already_exists', 'task_name_taken', "Task 'daily_report' already exists"]);
    expect(readFileSync(join(tasksDir, 'daily_report.yaml'), 'utf8')).toBe(before);
  });

  it('refuses the name of a hand-written file that has no row yet', () => {
    const { store, tasksDir } = setup();
    mkdirSync(tasksDir, { recursive: true });
    writeFileSync(join(tasksDir, 'mine.yaml'), 'name: mine\nprompt: keep me\n');
    expect(thrownAppError(() => store.create({ name: 'mine', prompt: 'other' })).code).toBe('already_exists');
    expect(readFileSync(join(tasksDir, 'mine.yaml'), 'utf8')).toBe('name: mine\nprompt: keep me\n');
  });

  it('removes the new file again when the database refuses the row', () => {
    const { store, db, tasksDir } = setup();
    db.exec("CREATE TRIGGER refuse BEFORE INSERT ON tasks BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
    expect(() => store.create(DAILY)).toThrow('disk full');
    expect(readdirSync(tasksDir)).toEqual([]);
  });

  it('writes nothing for an invalid task', () => {
    const { store, tasksDir, row } = setup();
    const err = thrownAppError(() => store.create({ name: 'bad', prompt: 'x', schedule: '61 * * * *' }));
    expect(err.message).toBe('tasks/bad.yaml schedule: "61 * * * *" is not a valid cron expression (minute 61 is out of range 0-59)');
    expect(existsSync(tasksDir) ? readdirSync(tasksDir) : []).toEqual([]);
    expect(row('bad')).toBeUndefined();
  });

  it('recreates a task whose YAML went missing, over its old row', () => {
    const { store, tasksDir } = setup();
    store.create(DAILY);
    rmSync(join(tasksDir, 'daily_report.yaml'));
    expect(store.create({ ...DAILY, prompt: 'new prompt' }).item).toMatchObject({ task_status: 'active', prompt: 'new prompt' });
  });
});

describe('TaskStore.list and get', () => {
  it('picks up hand-written YAML files without a row, registers them, and loads the fixtures unchanged', () => {
    const { store, tasksDir, row } = setup();
    mkdirSync(tasksDir, { recursive: true });
    for (const f of ['daily_report.yaml', 'remind_me.yaml']) copyFileSync(join(FIXTURES, f), join(tasksDir, f));
    const items = store.list();
    expect(items.map((i) => [i.name, i.task_status])).toEqual([
      ['daily_report', 'active'],
      ['remind_me', 'active'],
    ]);
    expect(items[0]).toMatchObject({ skills: ['release-notes'], created_at: STAMP, updated_at: STAMP, live_status: { status: 'pending' } });
    expect(items[1]).toMatchObject({
      run_at: '2026-12-01T09:00:00',
      origin: { source: 'telegram', platform: 'telegram', channel_id: '123456789', thread_id: '42', user_id: '123456789' },
      session_id: 'a1b2c3d4',
    });
    expect(row('remind_me')).toMatchObject({ yaml_path: 'remind_me.yaml', created_at: STAMP });
    for (const f of ['daily_report.yaml', 'remind_me.yaml']) {
      expect(readFileSync(join(tasksDir, f), 'utf8')).toBe(readFileSync(join(FIXTURES, f), 'utf8'));
    }
  });

  it('reports an invalid YAML file as yaml_invalid with the reason, and never touches it', () => {
    const { store, tasksDir, row } = setup();
    mkdirSync(tasksDir, { recursive: true });
    const text = 'name: broken\nprompt: hi\nschedule: "61 * * * *"\n';
    writeFileSync(join(tasksDir, 'broken.yaml'), text);
    const expected = {
      name: 'broken',
      task_status: 'yaml_invalid',
      task_error: 'tasks/broken.yaml:3 schedule: "61 * * * *" is not a valid cron expression (minute 61 is out of range 0-59)',
    };
    expect(store.list()).toEqual([expect.objectContaining(expected)]);
    expect(store.get('broken')).toMatchObject(expected);
    expect(store.list()[0]!.prompt).toBeUndefined();
    expect(readFileSync(join(tasksDir, 'broken.yaml'), 'utf8')).toBe(text);
    expect(row('broken')).toMatchObject({ yaml_path: 'broken.yaml' });
  });

  it('reports a registered task whose file is gone as yaml_missing', () => {
    const { store, tasksDir } = setup();
    store.create(DAILY);
    rmSync(join(tasksDir, 'daily_report.yaml'));
    expect(store.list()).toEqual([
      expect.objectContaining({ name: 'daily_report', task_status: 'yaml_missing', task_error: 'YAML file not found: daily_report.yaml' }),
    ]);
  });

  it('warns about unknown keys in a listed task but keeps it active', () => {
    const { store, tasksDir } = setup();
    mkdirSync(tasksDir, { recursive: true });
    writeFileSync(join(tasksDir, 'typo.yaml'), 'name: typo\nprompt: hi\nshedule: "0 9 * * *"\n');
    expect(store.get('typo')).toMatchObject({
      task_status: 'active',
      task_warnings: ['tasks/typo.yaml:3 shedule: unknown key "shedule" (did you mean "schedule"?); it is kept in the file but not used'],
    });
  });

  it('lists a file whose name cannot be a task name as yaml_invalid without registering it', () => {
    const { store, tasksDir, row } = setup();
    mkdirSync(tasksDir, { recursive: true });
    writeFileSync(join(tasksDir, 'my task.yaml'), 'name: x\nprompt: hi\n');
    writeFileSync(join(tasksDir, '.daily_report.yaml.1a2b3c4d.tmp'), 'half written');
    expect(store.list()).toEqual([
      expect.objectContaining({
        name: 'my task',
        task_status: 'yaml_invalid',
        task_error: 'tasks/my task.yaml: the file name is not a task name (letters, digits, "_" and "-" only); rename the file',
      }),
    ]);
    expect(row('my task')).toBeUndefined();
  });

  it('adds the newest run as last_run', () => {
    const { store, addRun } = setup();
    store.create(DAILY);
    addRun('daily_report', 'aaaaaaaa', '2026-04-24T17:00:00+08:00');
    addRun('daily_report', 'bbbbbbbb', '2026-04-25T17:00:00+08:00');
    expect(store.get('daily_report').last_run).toMatchObject({ execution_id: 'bbbbbbbb', status: 'completed' });
    expect(store.runs('daily_report', 1).map((r) => r.execution_id)).toEqual(['bbbbbbbb']);
    expect(store.runs('daily_report').map((r) => r.execution_id)).toEqual(['bbbbbbbb', 'aaaaaaaa']);
  });

  it('answers not_found for an unknown task and for a name that could only be a path', () => {
    const { store } = setup();
    expect(thrownAppError(() => store.get('nope'))).toMatchObject({ code: 'not_found', message: "Task 'nope' not found" });
    expect(thrownAppError(() => store.get('../gateway')).code).toBe('not_found');
  });
});

describe('TaskStore.delete', () => {
  it('removes the YAML, the row and the run history, and counts the runs removed', () => {
    const { store, tasksDir, row, addRun, countRuns } = setup();
    store.create(DAILY);
    store.create({ name: 'other', prompt: 'hi' });
    for (const id of ['aaaaaaaa', 'bbbbbbbb', 'cccccccc']) addRun('daily_report', id, STAMP);
    addRun('other', 'dddddddd', STAMP);
    expect(store.delete('daily_report')).toBe(3);
    expect(existsSync(join(tasksDir, 'daily_report.yaml'))).toBe(false);
    expect(row('daily_report')).toBeUndefined();
    expect(countRuns('daily_report')).toBe(0);
    expect(countRuns('other')).toBe(1);
    expect(store.list().map((i) => i.name)).toEqual(['other']);
  });

  it('deletes tasks whose YAML is invalid or missing, and unregistered hand-written files', () => {
    const { store, tasksDir } = setup();
    store.create(DAILY);
    rmSync(join(tasksDir, 'daily_report.yaml'));
    writeFileSync(join(tasksDir, 'broken.yaml'), 'name: [');
    writeFileSync(join(tasksDir, 'loose.yaml'), 'name: loose\nprompt: hi\n');
    expect(store.delete('daily_report')).toBe(0);
    expect(store.delete('broken')).toBe(0);
    expect(store.delete('loose')).toBe(0);
    expect(readdirSync(tasksDir)).toEqual([]);
    expect(store.list()).toEqual([]);
  });

  it('answers not_found for a task that does not exist', () => {
    const { store } = setup();
    expect(thrownAppError(() => store.delete('nope'))).toMatchObject({ code: 'not_found', message: "Task 'nope' not found" });
  });
});
