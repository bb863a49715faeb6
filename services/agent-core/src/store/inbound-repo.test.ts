import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from './db';
import { InboundRepo, type NewInbound } from './inbound-repo';

const T0 = new Date('2026-12-01T10:00:00.000Z');

function open(file = join(mkdtempSync(join(tmpdir(), 'cliver-inbound-')), 'gateway.db')) {
  const { db } = openStore(file);
  return { db, file, repo: new InboundRepo(db) };
}

let seq = 0;
function message(channelId: string, extra: Partial<NewInbound> = {}): NewInbound {
  seq += 1;
  return {
    adapter: 'tg', eventId: `e${seq}`, channelId, threadId: '', messageId: `m${seq}`, userId: 'u1', userName: 'Ann',
    text: `hello ${seq}`, attachments: [], isGroup: false, ...extra,
  };
}

describe('InboundRepo', () => {
  it('lists the conversations of an adapter active since a time, newest first, each with its newest event id', () => {
    const { repo } = open();
    const later = new Date(T0.getTime() + 60_000);
    repo.record(message('old', { eventId: 'o1' }), new Date(T0.getTime() - 3_600_000));
    repo.record(message('c1', { eventId: 'a1' }), T0);
    repo.record(message('c2', { eventId: 'b1', threadId: 't5' }), T0);
    repo.record(message('c1', { eventId: 'a2' }), later);
    repo.record(message('c1', { eventId: 'x1', adapter: 'other' }), later);
    expect(repo.recentConversations('tg', T0, 10)).toEqual([
      { channelId: 'c1', threadId: '', lastEventId: 'a2' },
      { channelId: 'c2', threadId: 't5', lastEventId: 'b1' },
    ]);
    expect(repo.recentConversations('tg', T0, 1)).toHaveLength(1);
  });

  it('answers the same (adapter, event id) recorded again as a duplicate of the first row, queued once', () => {
    const { db, repo } = open();
    const first = repo.record(message('c1', { eventId: 'upd-7' }), T0);
    const again = repo.record(message('c1', { eventId: 'upd-7', text: 'changed on re-delivery' }), T0);
    expect(first).toEqual({ id: first.id, duplicate: false });
    expect(again).toEqual({ id: first.id, duplicate: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM inbound_messages').get()).toEqual({ n: 1 });
    expect(repo.get(first.id)).toMatchObject({ text: expect.stringMatching(/^hello/), status: 'queued' });
    expect(repo.runnable(new Set(), 10).map((m) => m.id)).toEqual([first.id]);
    // The same event id from another adapter is another event.
    expect(repo.record(message('c1', { eventId: 'upd-7', adapter: 'discord' }), T0).duplicate).toBe(false);
  });

  it('does not call a row that could not be stored a duplicate', () => {
    const { repo } = open();
    // A NOT NULL failure must surface, not read as "recorded before".
    expect(() => repo.record({ ...message('c1'), text: null as unknown as string }, T0)).toThrow(/NOT NULL/);
  });

  it('keeps attachments with the row, by path', () => {
    const { repo } = open();
    const attachments = [{ kind: 'image' as const, fileName: 'cat.png', mimeType: 'image/png', path: join(tmpdir(), 'inbox', 'tg', 'x', '0-cat.png'), bytes: 3 }];
    const { id } = repo.record(message('c1', { attachments }), T0);
    expect(repo.get(id)?.attachments).toEqual(attachments);
    expect(repo.findEvent('tg', repo.get(id)!.eventId)?.id).toBe(id);
    expect(repo.findEvent('tg', 'never-recorded')).toBeUndefined();
  });

  it('offers the oldest queued message of each conversation, oldest first, up to the limit', () => {
    const { repo } = open();
    const a1 = repo.record(message('a'), T0).id;
    const b1 = repo.record(message('b'), T0).id;
    repo.record(message('a'), T0);
    const c1 = repo.record(message('c'), T0).id;
    expect(repo.runnable(new Set(), 10).map((m) => m.id)).toEqual([a1, b1, c1]);
    expect(repo.runnable(new Set(), 2).map((m) => m.id)).toEqual([a1, b1]);
    // A busy conversation does not use up the limit.
    expect(repo.runnable(new Set(['tg:a:']), 2).map((m) => m.id)).toEqual([b1, c1]);
  });

  it('never offers a conversation whose head is running, even when the caller does not know it is busy', () => {
    const { repo } = open();
    const a1 = repo.record(message('a'), T0).id;
    repo.record(message('a'), T0);
    const b1 = repo.record(message('b'), T0).id;
    repo.markRunning(a1);
    expect(repo.runnable(new Set(), 10).map((m) => m.id)).toEqual([b1]);
    repo.markDone(a1, T0);
    expect(repo.runnable(new Set(), 10).map((m) => m.conversation)).toEqual(['tg:a:', 'tg:b:']);
  });

  it('moves past a failed message to the next one of its conversation', () => {
    const { repo } = open();
    const a1 = repo.record(message('a'), T0).id;
    const a2 = repo.record(message('a'), T0).id;
    repo.markRunning(a1);
    repo.markFailed(a1, 'provider down', T0);
    expect(repo.get(a1)).toMatchObject({ status: 'failed', error: 'provider down', attempts: 1 });
    expect(repo.runnable(new Set(), 10).map((m) => m.id)).toEqual([a2]);
  });

  it('puts messages left running by a crash back in their queue, in their old order', () => {
    const first = open();
    const a1 = first.repo.record(message('a'), T0).id;
    const a2 = first.repo.record(message('a'), T0).id;
    const b1 = first.repo.record(message('b'), T0).id;
    first.repo.markRunning(a1);
    first.repo.markRunning(b1);
    first.db.close(); // the crash: nothing else runs

    const { repo } = open(first.file);
    expect(repo.runnable(new Set(), 10)).toEqual([]);
    expect(repo.requeueInterrupted()).toBe(2);
    expect(repo.runnable(new Set(), 10).map((m) => m.id)).toEqual([a1, b1]);
    expect(repo.get(a1)).toMatchObject({ status: 'queued', attempts: 1 });
    repo.markRunning(a1);
    repo.markDone(a1, T0);
    expect(repo.runnable(new Set(['tg:b:']), 10).map((m) => m.id)).toEqual([a2]);
    expect(repo.counts()).toEqual({ queued: 2, running: 0, done: 1, failed: 0 });
  });

  it('requeues only a message that is still running', () => {
    const { repo } = open();
    const a1 = repo.record(message('a'), T0).id;
    repo.markRunning(a1);
    repo.markDone(a1, T0);
    repo.markQueued(a1); // a stop that raced the commit
    expect(repo.get(a1)?.status).toBe('done');
  });
});
