import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { thrownAppError } from '@cliver/testkit';
import { openStore } from './db';
import { OutboxRepo, type NewOutboxEntry } from './outbox-repo';

const T0 = new Date('2026-12-01T10:00:00.000Z');

function open() {
  const { db } = openStore(join(mkdtempSync(join(tmpdir(), 'cliver-outbox-')), 'gateway.db'));
  return { db, outbox: new OutboxRepo(db) };
}

const entry = (key: string, adapter = 'tg', markdown = 'hi'): NewOutboxEntry => ({
  dedupeKey: key,
  address: { adapter, channelId: 'c1', threadId: '' },
  replyToMessageId: 'm1',
  markdown,
});

describe('OutboxRepo', () => {
  it('writes one entry per dedupe key: a second write of the key changes nothing', () => {
    const { db, outbox } = open();
    const first = outbox.insert(entry('inbound:1', 'tg', 'first answer'), T0);
    const second = outbox.insert(entry('inbound:1', 'tg', 'second answer'), T0);
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
    expect(db.prepare('SELECT COUNT(*) AS n FROM outbox').get()).toEqual({ n: 1 });
    expect(outbox.byKey('inbound:1')).toMatchObject({ markdown: 'first answer', status: 'pending', replyToMessageId: 'm1', postedChunkIds: [] });
  });

  it('lists due entries of the given adapters only, oldest first', () => {
    const { outbox } = open();
    const a = outbox.insert(entry('k1', 'tg'), T0).id;
    outbox.insert(entry('k2', 'slack'), T0);
    const c = outbox.insert(entry('k3', 'tg'), T0).id;
    expect(outbox.due(['tg'], 0).map((e) => e.id)).toEqual([a, c]);
    expect(outbox.due([], 0)).toEqual([]);
  });

  it('records chunks idempotently per index and is delivered once every chunk has an id', () => {
    const { outbox } = open();
    const { id } = outbox.insert(entry('k1'), T0);
    expect(outbox.reportChunk(id, 1, 3, 'p1', 1, T0)).toEqual({ delivered: false });
    expect(outbox.reportChunk(id, 1, 3, 'p1-again', 1, T0)).toEqual({ delivered: false });
    expect(outbox.get(id)).toMatchObject({ chunkCount: 3, postedChunkIds: ['', 'p1', ''], status: 'pending' });
    outbox.reportChunk(id, 0, 3, 'p0', 1, T0);
    expect(outbox.reportChunk(id, 2, 3, 'p2', 1, T0)).toEqual({ delivered: true });
    expect(outbox.get(id)).toMatchObject({ status: 'delivered', postedChunkIds: ['p0', 'p1', 'p2'] });
    expect(outbox.due(['tg'], Date.now())).toEqual([]);
  });

  it('refuses a chunk count that changed, an index out of range and an unknown entry', () => {
    const { outbox } = open();
    const { id } = outbox.insert(entry('k1'), T0);
    outbox.reportChunk(id, 0, 2, 'p0', 1, T0);
    expect(thrownAppError(() => outbox.reportChunk(id, 1, 3, 'p1', 1, T0))).toMatchObject({ code: 'failed_precondition', reason: 'chunk_count_changed', field: 'count' });
    expect(thrownAppError(() => outbox.reportChunk(id, 2, 2, 'p2', 1, T0))).toMatchObject({ code: 'invalid_argument', field: 'index' });
    expect(thrownAppError(() => outbox.reportChunk(999, 0, 1, 'p', 1, T0))).toMatchObject({ code: 'not_found', field: 'entry_id' });
  });

  it('ends an entry on a permanent failure and makes it due again later on a transient one', () => {
    const { outbox } = open();
    const gone = outbox.insert(entry('k1'), T0).id;
    const later = outbox.insert(entry('k2'), T0).id;
    outbox.fail(gone, 'chat not found', true, 0);
    outbox.fail(later, 'rate limited', false, 5000);
    expect(outbox.get(gone)).toMatchObject({ status: 'failed', error: 'chat not found', attempts: 1 });
    expect(outbox.due(['tg'], 4999)).toEqual([]);
    expect(outbox.nextRetryAtMs(4999)).toBe(5000);
    expect(outbox.due(['tg'], 5000).map((e) => e.id)).toEqual([later]);
    expect(thrownAppError(() => outbox.fail(999, 'x', true, 0))).toMatchObject({ code: 'not_found' });
  });
});
