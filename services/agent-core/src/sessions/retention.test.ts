import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store/db';
import { cleanupSessions, startRetention, type RetentionLimits, type RetentionResult } from './retention';
import { SessionRepo, type Db } from './session-repo';

const NOW = new Date('2026-11-26T13:00:00.000Z');
const daysAgo = (days: number): Date => new Date(NOW.getTime() - days * 24 * 60 * 60 * 1000);
const LOOSE: RetentionLimits = { maxSessions: 1000, maxTurnsPerSession: 1000, maxAgeDays: 30 };

const opened: Db[] = [];
function open(): { db: Db; repo: SessionRepo } {
  const { db } = openStore(join(mkdtempSync(join(tmpdir(), 'cliver-retention-')), 'gateway.db'));
  opened.push(db);
  return { db, repo: new SessionRepo(db) };
}
afterEach(() => {
  jest.useRealTimers();
  opened.splice(0).forEach((db) => db.open && db.close());
});

function withTurns(repo: SessionRepo, count: number, at: Date): string {
  const id = repo.create({ source: 'im' }, at).id;
  repo.appendTurns(id, Array.from({ length: count }, (_, i) => ({ role: 'user' as const, content: `m${i}` })), at);
  return id;
}

describe('cleanupSessions', () => {
  it('deletes sessions idle longer than max_age_days, with their turns', () => {
    const { db, repo } = open();
    const old = withTurns(repo, 3, daysAgo(31));
    const fresh = withTurns(repo, 3, daysAgo(29));
    expect(cleanupSessions(db, LOOSE, NOW)).toEqual({ expired: 1, trimmedTurns: 0, overflow: 0, hasMore: false });
    expect(repo.get(old)).toBeUndefined();
    expect(repo.get(fresh)).toBeDefined();
    expect(db.prepare('SELECT COUNT(*) AS n FROM turns WHERE session_id = ?').get(old)).toEqual({ n: 0 });
  });

  it('keeps a session that was active recently even if it was created long ago', () => {
    const { db, repo } = open();
    const id = withTurns(repo, 1, daysAgo(90));
    repo.appendTurns(id, [{ role: 'assistant', content: 'still here' }], daysAgo(1));
    expect(cleanupSessions(db, LOOSE, NOW).expired).toBe(0);
  });

  it('trims each session to its newest turns and keeps its summary', () => {
    const { db, repo } = open();
    const id = withTurns(repo, 10, daysAgo(1));
    const short = withTurns(repo, 2, daysAgo(1));
    repo.setSummary(id, 'early talk', repo.turns(id)[5].id);
    const result = cleanupSessions(db, { ...LOOSE, maxTurnsPerSession: 4 }, NOW);
    expect(result).toMatchObject({ trimmedTurns: 6, hasMore: false });
    expect(repo.turns(id).map((t) => t.content)).toEqual(['m6', 'm7', 'm8', 'm9']);
    expect(repo.turns(short)).toHaveLength(2);
    expect(repo.get(id)).toMatchObject({ summary: 'early talk' });
  });

  it('deletes the least recently updated sessions beyond max_sessions', () => {
    const { db, repo } = open();
    const ids = [5, 4, 3, 2, 1].map((d) => withTurns(repo, 1, daysAgo(d)));
    expect(cleanupSessions(db, { ...LOOSE, maxSessions: 3 }, NOW)).toMatchObject({ overflow: 2, hasMore: false });
    expect(repo.list({ limit: 10, offset: 0 }).map((s) => s.id)).toEqual([ids[4], ids[3], ids[2]]);
  });

  it('does bounded work per call and reports that more is left', () => {
    const { db, repo } = open();
    for (let i = 0; i < 5; i++) withTurns(repo, 1, daysAgo(40));
    expect(cleanupSessions(db, LOOSE, NOW, 2)).toMatchObject({ expired: 2, hasMore: true });
    expect(cleanupSessions(db, LOOSE, NOW, 2)).toMatchObject({ expired: 2, hasMore: true });
    expect(cleanupSessions(db, LOOSE, NOW, 2)).toMatchObject({ expired: 1, hasMore: false });
  });
});

describe('startRetention', () => {
  it('runs at once, then every interval, until stopped', () => {
    jest.useFakeTimers();
    const { db, repo } = open();
    const results: RetentionResult[] = [];
    let now = NOW;
    withTurns(repo, 1, daysAgo(31));
    const retention = startRetention(db, LOOSE, { intervalMs: 60_000, now: () => now, onResult: (r) => results.push(r) });
    expect(results.map((r) => r.expired)).toEqual([1]);

    withTurns(repo, 1, daysAgo(1));
    now = new Date(NOW.getTime() + 2 * 24 * 60 * 60 * 1000);
    jest.advanceTimersByTime(59_999);
    expect(results).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(results).toHaveLength(2);

    now = daysAgo(-40);
    retention.stop();
    jest.advanceTimersByTime(10 * 60_000);
    expect(results).toHaveLength(2);
    expect(repo.list({ limit: 10, offset: 0 })).toHaveLength(1);
  });

  it('follows a call that left work over at once instead of waiting a whole interval', () => {
    jest.useFakeTimers();
    const { db, repo } = open();
    for (let i = 0; i < 5; i++) withTurns(repo, 1, daysAgo(40));
    const expired: number[] = [];
    const retention = startRetention(db, LOOSE, { intervalMs: 60_000, now: () => NOW, batch: 2, onResult: (r) => expired.push(r.expired) });
    expect(expired).toEqual([2]);
    jest.advanceTimersByTime(10);
    expect(expired).toEqual([2, 2, 1]);
    jest.advanceTimersByTime(59_000);
    expect(expired).toEqual([2, 2, 1]);
    retention.stop();
  });

  it('reports a failed call and keeps the schedule', () => {
    jest.useFakeTimers();
    const { db } = open();
    const errors: unknown[] = [];
    const results: RetentionResult[] = [];
    db.close();
    const retention = startRetention(db, LOOSE, {
      intervalMs: 1000, now: () => NOW, onError: (err) => errors.push(err), onResult: (r) => results.push(r),
    });
    jest.advanceTimersByTime(1000);
    expect(errors).toHaveLength(2);
    expect(results).toEqual([]);
    retention.stop();
  });
});
