import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from './db';
import { StatusRepo } from './status-repo';
import { TaskRunRepo, type Occurrence } from './task-run-repo';

const NOW = new Date('2027-01-10T09:00:00.400Z');
const NINE = new Date('2027-01-10T09:00:00.000Z');
const tempDb = () => join(mkdtempSync(join(tmpdir(), 'cliver-runs-')), 'gateway.db');
const occurrence = (extra: Partial<Occurrence> = {}): Occurrence => ({ task: 'daily', scheduledAt: NINE, executionId: 'x1', fencingToken: 3, ...extra });

describe('TaskRunRepo', () => {
  it('lets an occurrence be claimed once; the second claimer gets the first run', () => {
    const runs = new TaskRunRepo(openStore(tempDb()).db);
    const first = runs.claim(occurrence(), NOW);
    const again = runs.claim(occurrence({ executionId: 'x2', fencingToken: 4 }), NOW);
    expect(first.claimed).toBe(true);
    expect(first.run).toMatchObject({ task_name: 'daily', status: 'running', scheduled_at: '2027-01-10T09:00:00.000+00:00', fencing_token: 3, execution_id: 'x1' });
    expect(again).toEqual({ run: first.run, claimed: false });
    expect(runs.claim(occurrence({ scheduledAt: new Date('2027-01-11T09:00:00Z') }), NOW).claimed).toBe(true);
    expect(runs.claim(occurrence({ task: 'other' }), NOW).claimed).toBe(true);
  });

  it('keeps exactly one claim when two connections (two processes) race for the same occurrence', () => {
    const file = tempDb();
    const a = new TaskRunRepo(openStore(file).db);
    const b = new TaskRunRepo(openStore(file).db);
    const results = Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claim(occurrence({ executionId: `e${i}` }), NOW).claimed);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('records a skipped occurrence as missed, and a later claim of it is refused', () => {
    const runs = new TaskRunRepo(openStore(tempDb()).db);
    const missed = runs.recordMissed(occurrence(), 'misfire: skip (the gateway was down at 09:00)', NOW);
    expect(missed.run).toMatchObject({ status: 'missed', error: 'misfire: skip (the gateway was down at 09:00)', finished_at: expect.any(String) });
    expect(runs.claim(occurrence(), NOW).claimed).toBe(false);
  });

  it('ends a running run once, and fails runs a crash cut off as interrupted instead of running them again', () => {
    const runs = new TaskRunRepo(openStore(tempDb()).db);
    const { run } = runs.claim(occurrence(), NOW);
    expect(runs.finish(run.id, { status: 'completed', result: 'done' }, NOW)).toBe(true);
    expect(runs.finish(run.id, { status: 'failed', error: 'late' }, NOW)).toBe(false);
    expect(runs.get(run.id)).toMatchObject({ status: 'completed', result: 'done', error: null });
    const cut = runs.claim(occurrence({ scheduledAt: new Date('2027-01-11T09:00:00Z') }), NOW).run;
    expect(runs.failInterrupted(NOW)).toBe(1);
    expect(runs.get(cut.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^interrupted/) });
    expect(runs.claim(occurrence({ scheduledAt: new Date('2027-01-11T09:00:00Z') }), NOW).claimed).toBe(false);
  });

  it('does not limit manual runs, which have no occurrence', () => {
    const db = openStore(tempDb()).db;
    const manual = db.prepare("INSERT INTO task_runs (task_name, execution_id, status, started_at) VALUES ('daily', ?, 'completed', 'x')");
    manual.run('m1');
    manual.run('m2');
    expect(db.prepare("SELECT COUNT(*) AS n FROM task_runs WHERE task_name = 'daily'").get()).toEqual({ n: 2 });
  });
});

describe('tasks_run', () => {
  it('counts runs, not occurrences recorded as missed', () => {
    const db = openStore(tempDb()).db;
    const runs = new TaskRunRepo(db);
    runs.claim(occurrence(), NOW);
    runs.recordMissed(occurrence({ scheduledAt: new Date('2027-01-11T09:00:00Z') }), 'skip', NOW);
    expect(new StatusRepo(db).countTaskRuns()).toBe(1);
  });
});
