import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '@cliver/common';
import { thrownAppError, FIXTURE_HOME } from '@cliver/testkit';
import { formatTaskProblem, parseTaskYaml, taskTrigger, validateTaskSpec } from './task-spec';

const FIXTURES = join(FIXTURE_HOME, 'CLIver', 'tasks');

function errorOf(text: string, file = 'tasks/x.yaml'): AppError {
  return thrownAppError(() => parseTaskYaml(text, file));
}

describe('parseTaskYaml: files the original wrote', () => {
  it('loads daily_report unchanged: schedule, skills, model', () => {
    const { spec, warnings } = parseTaskYaml(readFileSync(`${FIXTURES}/daily_report.yaml`, 'utf8'), 'tasks/daily_report.yaml');
    expect(warnings).toEqual([]);
    expect(spec).toEqual({
      name: 'daily_report',
      description: 'Daily summary of repository activity',
      model: 'openai/gpt-4o',
      prompt: "Summarize today's GitHub activity for cliver-project",
      schedule: '0 17 * * *',
      skills: ['release-notes'],
      misfire: 'run_once',
    });
    expect(taskTrigger(spec)).toEqual({ kind: 'cron', cron: '0 17 * * *' });
  });

  it('loads remind_me unchanged: run_at stays the naive text, origin and session kept', () => {
    const { spec, warnings } = parseTaskYaml(readFileSync(`${FIXTURES}/remind_me.yaml`, 'utf8'), 'tasks/remind_me.yaml');
    expect(warnings).toEqual([]);
    expect(spec).toMatchObject({
      name: 'remind_me',
      run_at: '2026-12-01T09:00:00',
      origin: { source: 'telegram', platform: 'telegram', channel_id: '123456789', thread_id: '42', user_id: '123456789' },
      session_id: 'a1b2c3d4',
    });
    expect(taskTrigger(spec)).toEqual({ kind: 'once', runAt: '2026-12-01T09:00:00' });
  });

  it('reads an unquoted date-time as text, not as a UTC instant', () => {
    const { spec } = parseTaskYaml('name: x\nprompt: hi\nrun_at: 2026-12-01T09:00:00\n', 'tasks/x.yaml');
    expect(spec.run_at).toBe('2026-12-01T09:00:00');
  });

  it('treats empty values as not set, so a blank description or schedule is a manual task', () => {
    const { spec } = parseTaskYaml('name: x\nprompt: hi\ndescription:\nschedule: ""\n', 'tasks/x.yaml');
    expect(spec.description).toBeUndefined();
    expect(taskTrigger(spec)).toEqual({ kind: 'manual' });
  });
});

describe('parseTaskYaml: warnings', () => {
  it('keeps unknown keys, warns about each with its line, and suggests the key meant', () => {
    const text = 'name: x\nprompt: hi\nshedule: "0 9 * * *"\norigin:\n  source: cli\n  chanel_id: "1"\ncolor: blue\n';
    const { spec, warnings } = parseTaskYaml(text, 'tasks/x.yaml');
    expect(spec).toMatchObject({ shedule: '0 9 * * *', color: 'blue', origin: { chanel_id: '1' } });
    expect(warnings.map(formatTaskProblem)).toEqual([
      'tasks/x.yaml:3 shedule: unknown key "shedule" (did you mean "schedule"?); it is kept in the file but not used',
      'tasks/x.yaml:6 origin.chanel_id: unknown key "chanel_id" (did you mean "channel_id"?); it is kept in the file but not used',
      'tasks/x.yaml:7 color: unknown key "color"; it is kept in the file but not used',
    ]);
  });

  it('runs a date-time written in schedule once, as the original did, and says to use run_at', () => {
    const { spec, warnings } = parseTaskYaml('name: x\nprompt: hi\nschedule: "2026-05-01T09:00:00"\n', 'tasks/x.yaml');
    expect(taskTrigger(spec)).toEqual({ kind: 'once', runAt: '2026-05-01T09:00:00' });
    expect(warnings.map(formatTaskProblem)).toEqual([
      'tasks/x.yaml:3 schedule: "2026-05-01T09:00:00" is a date-time, so the task runs once at that time; write it as run_at',
    ]);
  });
});

// Each case: the file text and the exact message (file:line field: what is wrong and what to do).
const BAD_TASKS: [string, string, string][] = [
  ['a cron minute out of range', 'name: x\nprompt: hi\nschedule: "61 * * * *"\n',
    'tasks/x.yaml:3 schedule: "61 * * * *" is not a valid cron expression (minute 61 is out of range 0-59)'],
  ['a 6-field cron', 'name: x\nprompt: hi\nschedule: "0 0 9 * * *"\n',
    'tasks/x.yaml:3 schedule: "0 0 9 * * *" is not a valid cron expression (it has 6 fields; cron needs 5: minute hour day-of-month month day-of-week)'],
  ['a run_at that is not ISO 8601', 'name: x\nprompt: hi\nrun_at: "tomorrow 9am"\n',
    'tasks/x.yaml:3 run_at: "tomorrow 9am" is not an ISO 8601 date-time; write it like 2026-04-25T14:30:00 (a time without offset is in the task\'s timezone)'],
  ['a run_at on a day that does not exist', 'name: x\nprompt: hi\nrun_at: "2026-02-30T09:00:00"\n',
    'tasks/x.yaml:3 run_at: "2026-02-30T09:00:00" is not an ISO 8601 date-time; write it like 2026-04-25T14:30:00 (a time without offset is in the task\'s timezone)'],
  ['an empty prompt', 'name: x\nprompt: "  "\n', 'tasks/x.yaml:2 prompt: must not be empty'],
  ['a missing prompt', 'name: x\n', 'tasks/x.yaml:1 prompt: is required'],
  ['a name with a space', 'name: "x y"\nprompt: hi\n',
    'tasks/x.yaml:1 name: expected a name of letters, digits, "_" and "-" such as "daily_report" (it is the file name), got "x y"'],
  ['a name that is not the file stem', 'name: y\nprompt: hi\n',
    'tasks/x.yaml:1 name: "y" does not match the file name x.yaml; a task\'s name is its file name, so rename one of them'],
  ['an origin that is not a map', 'name: x\nprompt: hi\norigin: telegram\n', 'tasks/x.yaml:3 origin: expected a map, got "telegram"'],
  ['an unquoted numeric channel id', 'name: x\nprompt: hi\norigin:\n  source: telegram\n  channel_id: 123456789\n',
    'tasks/x.yaml:5 origin.channel_id: expected a string in quotes (an unquoted number can lose digits), got 123456789'],
  ['an origin without source', 'name: x\nprompt: hi\norigin:\n  platform: telegram\n', 'tasks/x.yaml:3 origin.source: is required'],
  ['an unknown time zone', 'name: x\nprompt: hi\ntimezone: Mars/Olympus\n',
    'tasks/x.yaml:3 timezone: expected an IANA time zone such as "Asia/Shanghai", got "Mars/Olympus"'],
  ['an unknown misfire policy', 'name: x\nprompt: hi\nmisfire: always\n', 'tasks/x.yaml:3 misfire: expected one of skip, run_once, got "always"'],
  ['both schedule and run_at', 'name: x\nprompt: hi\nschedule: "0 9 * * *"\nrun_at: "2026-05-01T09:00:00"\n',
    'tasks/x.yaml:3 schedule: cannot be combined with run_at: a task either repeats (schedule) or runs once (run_at); keep one of them'],
  ['an unknown permission mode', 'name: x\nprompt: hi\npermissions:\n  mode: admin\n',
    'tasks/x.yaml:4 permissions.mode: expected one of default, auto-edit, yolo, got "admin"'],
  ['skills as a single string', 'name: x\nprompt: hi\nskills: release-notes\n', 'tasks/x.yaml:3 skills: expected a list of strings, got "release-notes"'],
  ['workflow_inputs as a list', 'name: x\nprompt: hi\nworkflow_inputs: [a]\n', 'tasks/x.yaml:3 workflow_inputs: expected a map, got a list'],
  ['a YAML syntax error', 'name: x\nprompt: a\nprompt: b\n', 'tasks/x.yaml:3: invalid YAML: Map keys must be unique'],
  ['a list instead of a map', '- name: x\n', 'tasks/x.yaml:1: expected a map, got a list'],
  ['an empty file', '', 'tasks/x.yaml: the file is empty; a task needs at least name and prompt'],
];

describe('parseTaskYaml: refused tasks name the file, line and field', () => {
  it.each(BAD_TASKS)('refuses %s', (_what, text, message) => {
    const err = errorOf(text);
    expect(err.code).toBe('invalid_argument');
    expect(err.reason).toBe('invalid_task');
    expect(err.message).toBe(message);
  });

  it('reports every problem of a file, one per line, with the first as the field', () => {
    const err = errorOf('name: x\nprompt: ""\nmisfire: never\n');
    expect(err.message).toBe('tasks/x.yaml:2 prompt: must not be empty\ntasks/x.yaml:3 misfire: expected one of skip, run_once, got "never"');
    expect(err.field).toBe('prompt');
  });
});

describe('validateTaskSpec', () => {
  it('checks data that did not come from a file, naming the file it will be written to', () => {
    expect(() => validateTaskSpec({ name: 'x', prompt: 'hi', schedule: '0 25 * * *' }, 'tasks/x.yaml')).toThrow(
      'tasks/x.yaml schedule: "0 25 * * *" is not a valid cron expression (hour 25 is out of range 0-23)',
    );
  });
});
