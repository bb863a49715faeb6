import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store/db';
import { SessionRepo, type Db, type TurnRole } from './session-repo';

const T0 = new Date('2026-11-26T13:00:00.000Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

const opened: Db[] = [];
function open(): { db: Db; repo: SessionRepo } {
  const { db } = openStore(join(mkdtempSync(join(tmpdir(), 'cliver-sessions-')), 'gateway.db'));
  opened.push(db);
  return { db, repo: new SessionRepo(db) };
}
afterEach(() => opened.splice(0).forEach((db) => db.close()));

describe('SessionRepo', () => {
  it('creates a session and reads it back with UTC-offset timestamps', () => {
    const { repo } = open();
    const s = repo.create({ source: 'api', title: 'hello' }, T0);
    expect(s.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(repo.get(s.id)).toEqual({
      id: s.id, source: 'api', title: 'hello', options: {},
      createdAt: '2026-11-26T13:00:00.000+00:00', updatedAt: '2026-11-26T13:00:00.000+00:00',
    });
    expect(new Date(s.createdAt).getTime()).toBe(T0.getTime());
    expect(repo.get('nope')).toBeUndefined();
  });

  it('gives each IM thread its own session and returns the same one on later messages', () => {
    const { repo } = open();
    const first = repo.getOrCreateKeyed('slack:C1:171.1', 'im', 'slack', T0);
    const again = repo.getOrCreateKeyed('slack:C1:171.1', 'im', 'slack', at(5));
    const otherThread = repo.getOrCreateKeyed('slack:C1:171.2', 'im', 'slack', T0);
    expect(first.created).toBe(true);
    expect(again).toEqual({ ...first, created: false });
    expect(otherThread.id).not.toBe(first.id);
    expect(first).toMatchObject({ source: 'im', imKey: 'slack:C1:171.1', platform: 'slack' });
    expect(repo.findByImKey('slack:C1:171.2')?.id).toBe(otherThread.id);
    expect(repo.findByImKey('slack:C1:')).toBeUndefined();
  });

  it('refuses a second session for an IM key with reason session_im_key_taken', () => {
    const { repo } = open();
    repo.create({ source: 'im', imKey: 'telegram:42:', platform: 'telegram' }, T0);
    expect(() => repo.create({ source: 'im', imKey: 'telegram:42:' }, T0)).toThrow(
      expect.objectContaining({ code: 'already_exists', reason: 'session_im_key_taken' }),
    );
  });

  it('appends turns in order, returns their ids and bumps updated_at', () => {
    const { repo } = open();
    const s = repo.create({ source: 'cli' }, T0);
    const ids = repo.appendTurns(s.id, [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello', promptTokens: 12, completionTokens: 3, model: 'gpt-4o' },
    ], at(1));
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBeGreaterThan(ids[0]);
    expect(repo.turns(s.id)).toEqual([
      { id: ids[0], sessionId: s.id, role: 'user', content: 'hi', createdAt: '2026-11-26T13:01:00.000+00:00' },
      {
        id: ids[1], sessionId: s.id, role: 'assistant', content: 'hello', createdAt: '2026-11-26T13:01:00.000+00:00',
        promptTokens: 12, completionTokens: 3, model: 'gpt-4o',
      },
    ]);
    expect(repo.get(s.id)?.updatedAt).toBe('2026-11-26T13:01:00.000+00:00');
  });

  it('stores none of the turns when one insert fails, and leaves updated_at alone', () => {
    const { repo } = open();
    const s = repo.create({ source: 'cli' }, T0);
    const bad = [{ role: 'user' as TurnRole, content: 'kept?' }, { role: 'system' as TurnRole, content: 'rejected by CHECK' }];
    expect(() => repo.appendTurns(s.id, bad, at(1))).toThrow(/CHECK constraint failed/);
    expect(repo.turns(s.id)).toEqual([]);
    expect(repo.get(s.id)?.updatedAt).toBe(s.updatedAt);
  });

  it('refuses turns for a session that does not exist', () => {
    const { repo } = open();
    expect(() => repo.appendTurns('gone', [{ role: 'user', content: 'x' }], T0)).toThrow(
      expect.objectContaining({ code: 'not_found', reason: 'session_not_found' }),
    );
  });

  it('reads only the newest turns, or those after a given id', () => {
    const { repo } = open();
    const s = repo.create({ source: 'cli' }, T0);
    const ids = repo.appendTurns(s.id, ['a', 'b', 'c', 'd'].map((content) => ({ role: 'user' as const, content })), T0);
    expect(repo.turns(s.id, { limit: 2 }).map((t) => t.content)).toEqual(['c', 'd']);
    expect(repo.turns(s.id, { afterId: ids[0] }).map((t) => t.content)).toEqual(['b', 'c', 'd']);
    expect(repo.turns(s.id, { afterId: ids[0], limit: 1 }).map((t) => t.content)).toEqual(['d']);
  });

  it('lists CLI and gateway sessions apart, newest first, with turn counts and paging', () => {
    const { repo } = open();
    const cli = repo.create({ source: 'cli', title: 'cli' }, at(0));
    const im = repo.getOrCreateKeyed('discord:9:77', 'im', 'discord', at(1));
    const api = repo.create({ source: 'api' }, at(2));
    const task = repo.create({ source: 'task' }, at(3));
    repo.appendTurns(im.id, [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }], at(4));

    const gateway = repo.list({ source: 'gateway', limit: 10, offset: 0 });
    expect(gateway.map((s) => [s.id, s.turnCount])).toEqual([[im.id, 2], [task.id, 0], [api.id, 0]]);
    expect(repo.list({ source: 'cli', limit: 10, offset: 0 })).toEqual([{ ...cli, turnCount: 0 }]);
    expect(repo.list({ source: 'gateway', limit: 2, offset: 1 }).map((s) => s.id)).toEqual([task.id, api.id]);
    expect(repo.list({ limit: 10, offset: 0 })).toHaveLength(4);
  });

  it('deletes a session together with its turns', () => {
    const { db, repo } = open();
    const s = repo.create({ source: 'cli' }, T0);
    repo.appendTurns(s.id, [{ role: 'user', content: 'x' }], T0);
    expect(repo.delete(s.id)).toBe(true);
    expect(repo.delete(s.id)).toBe(false);
    expect(db.prepare('SELECT COUNT(*) AS n FROM turns').get()).toEqual({ n: 0 });
  });

  it('stores a summary with the last turn it covers without touching updated_at', () => {
    const { repo } = open();
    const s = repo.create({ source: 'cli' }, T0);
    const [id] = repo.appendTurns(s.id, [{ role: 'user', content: 'x' }], at(1));
    repo.setSummary(s.id, 'they said x', id);
    expect(repo.get(s.id)).toMatchObject({ summary: 'they said x', summaryUptoTurn: id, updatedAt: '2026-11-26T13:01:00.000+00:00' });
    expect(() => repo.setSummary('gone', 's', 1)).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});
