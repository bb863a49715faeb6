import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@cliver/common';
import { waitFor } from '@cliver/testkit';
import { openStore } from '../store/db';
import { InboundRepo, type InboundItem } from '../store/inbound-repo';
import { ConversationQueue, type RunMessage } from './conversation-queue';

const log = createLogger({ service: 'test', level: 'silent' });
const T0 = new Date('2026-12-01T10:00:00.000Z');

/** A runner whose turns end when the test says so (or when they are stopped). */
class ScriptedRunner {
  readonly started: InboundItem[] = [];
  readonly ended: number[] = [];
  readonly aborted: number[] = [];
  maxConcurrent = 0;
  ignoreAbort = false;
  private readonly pending = new Map<number, () => void>();

  constructor(private readonly inbound: InboundRepo) {}

  readonly run: RunMessage = (item, signal) =>
    new Promise<void>((resolve) => {
      this.started.push(item);
      this.maxConcurrent = Math.max(this.maxConcurrent, this.pending.size + 1);
      const end = () => {
        this.pending.delete(item.id);
        this.ended.push(item.id);
        resolve();
      };
      this.pending.set(item.id, end);
      signal.addEventListener('abort', () => {
        if (this.ignoreAbort) return;
        this.aborted.push(item.id);
        end();
      });
    });

  finish(id: number): void {
    const end = this.pending.get(id);
    if (!end) throw new Error(`message ${id} is not running`);
    this.inbound.markDone(id, T0); // what the real runner does in the turn's transaction
    end();
  }

  get runningIds(): number[] {
    return [...this.pending.keys()];
  }
}

let seq = 0;
function record(repo: InboundRepo, channelId: string): number {
  seq += 1;
  return repo.record(
    { adapter: 'tg', eventId: `e${seq}`, channelId, threadId: '', messageId: `m${seq}`, userId: 'u', userName: 'U', text: `t${seq}`, attachments: [], isGroup: false },
    T0,
  ).id;
}

function setup(maxParallel = 4, file = join(mkdtempSync(join(tmpdir(), 'cliver-queue-')), 'gateway.db')) {
  const { db } = openStore(file);
  const inbound = new InboundRepo(db);
  const runner = new ScriptedRunner(inbound);
  const activity: string[] = [];
  const queue = new ConversationQueue({
    inbound,
    run: runner.run,
    maxParallel,
    log,
    onActivity: (item, running) => void activity.push(`${item.conversation} ${running ? 'on' : 'off'}`),
  });
  return { db, file, inbound, runner, queue, activity };
}

describe('ConversationQueue', () => {
  it('runs messages of one conversation one at a time, in the order they arrived', async () => {
    const { inbound, runner, queue, activity } = setup();
    queue.start();
    const first = record(inbound, 'c1');
    queue.wake();
    await waitFor(() => runner.runningIds.length === 1, { what: 'the first turn' });
    const later = [record(inbound, 'c1'), record(inbound, 'c1'), record(inbound, 'c1')];
    later.forEach(() => queue.wake());
    expect(runner.runningIds).toEqual([first]);

    for (const id of [first, ...later]) {
      await waitFor(() => runner.runningIds[0] === id, { what: `message ${id} running` });
      expect(runner.runningIds).toEqual([id]);
      expect(inbound.get(id)?.status).toBe('running');
      runner.finish(id);
    }
    await waitFor(() => queue.busy === 0, { what: 'the queue to drain' });
    expect(runner.started.map((m) => m.id)).toEqual([first, ...later]);
    expect(runner.maxConcurrent).toBe(1);
    expect(activity.slice(0, 2)).toEqual(['tg:c1: on', 'tg:c1: off']);
    await queue.stop(100);
  });

  it('runs different conversations in parallel up to maxParallel and not beyond', async () => {
    const { inbound, runner, queue } = setup(2);
    const ids = ['a', 'b', 'c', 'd'].map((c) => record(inbound, c));
    queue.start();
    await waitFor(() => runner.runningIds.length === 2, { what: 'two turns' });
    expect(runner.runningIds).toEqual(ids.slice(0, 2));
    runner.finish(ids[0]!);
    await waitFor(() => runner.runningIds.includes(ids[2]!), { what: 'the third conversation' });
    expect(runner.runningIds).toHaveLength(2);
    runner.finish(ids[1]!);
    runner.finish(ids[2]!);
    await waitFor(() => runner.runningIds.includes(ids[3]!), { what: 'the fourth conversation' });
    runner.finish(ids[3]!);
    await waitFor(() => queue.busy === 0, { what: 'the queue to drain' });
    expect(runner.maxConcurrent).toBe(2);
    await queue.stop(100);
  });

  it('stops running turns after the grace, requeues them, and a new queue on the same file runs them again', async () => {
    const first = setup(4);
    const a = record(first.inbound, 'a');
    const a2 = record(first.inbound, 'a');
    const b = record(first.inbound, 'b');
    first.queue.start();
    await waitFor(() => first.runner.runningIds.length === 2, { what: 'two turns' });
    await first.queue.stop(50);
    expect(first.runner.aborted.sort()).toEqual([a, b].sort());
    expect([a, a2, b].map((id) => first.inbound.get(id)?.status)).toEqual(['queued', 'queued', 'queued']);
    // Stopped: a new message is kept, not started.
    const c = record(first.inbound, 'c');
    first.queue.wake();
    expect(first.runner.runningIds).toEqual([]);
    first.db.close();

    const second = setup(4, first.file);
    second.queue.start();
    await waitFor(() => second.runner.runningIds.length === 3, { what: 'the requeued turns' });
    expect(second.runner.runningIds).toEqual([a, b, c]);
    second.runner.finish(a);
    await waitFor(() => second.runner.runningIds.includes(a2), { what: 'the next message of a' });
    await second.queue.stop(10);
  });

  it('lets a turn that finishes within the grace end normally', async () => {
    const { inbound, runner, queue } = setup();
    const a = record(inbound, 'a');
    queue.start();
    await waitFor(() => runner.runningIds.length === 1, { what: 'the turn' });
    const stopping = queue.stop(5000);
    runner.finish(a);
    await stopping;
    expect(runner.aborted).toEqual([]);
    expect(inbound.get(a)?.status).toBe('done');
  });

  it('closes a message whose run ended without an outcome, so its conversation goes on', async () => {
    const { inbound, queue } = setup();
    const silent = new ConversationQueue({ inbound, log, maxParallel: 1, run: async () => undefined });
    const a1 = record(inbound, 'a');
    const a2 = record(inbound, 'a');
    silent.start();
    await waitFor(() => inbound.get(a2)?.status === 'failed', { what: 'both messages closed' });
    expect(inbound.get(a1)).toMatchObject({ status: 'failed', error: 'the turn ended without an answer' });
    await silent.stop(10);
    await queue.stop(10);
  });

  it('requeues a turn that ignores the stop instead of waiting for it forever', async () => {
    const { inbound, runner, queue } = setup();
    const a = record(inbound, 'a');
    queue.start();
    await waitFor(() => runner.runningIds.length === 1, { what: 'the turn' });
    runner.ignoreAbort = true;
    await queue.stop(30);
    expect(inbound.get(a)?.status).toBe('queued');
    runner.finish(a);
  });

  it('keeps a message whose runner threw as failed and moves on to the next one', async () => {
    const { inbound, queue } = setup();
    const seen: number[] = [];
    const broken = new ConversationQueue({
      inbound,
      log,
      maxParallel: 1,
      run: async (item) => {
        seen.push(item.id);
        if (seen.length === 1) throw new Error('bug');
      },
    });
    const a1 = record(inbound, 'a');
    const a2 = record(inbound, 'a');
    broken.start();
    await waitFor(() => seen.length === 2 && broken.busy === 0, { what: 'both messages' });
    expect(inbound.get(a1)).toMatchObject({ status: 'failed', error: 'internal error while running the message' });
    expect(seen).toEqual([a1, a2]);
    await broken.stop(10);
    await queue.stop(10);
  });
});
