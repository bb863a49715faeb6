import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatMessage } from '../agent/messages';
import { openStore } from '../store/db';
import { prepareHistory, type PrepareHistoryOptions } from './history';
import { SessionRepo, type Db, type NewTurn } from './session-repo';
import { countMessage, countText } from './token-counter';

const T0 = new Date('2026-11-26T13:00:00.000Z');
// Budget = 70 % of 200 = 140 tokens: ten long turns (~28 tokens each) pass it, a summary plus
// three long turns and a few short ones do not.
const WINDOW = 200;
const long = (i: number): string => `turn ${i}: ${'alpha beta gamma delta '.repeat(5).trim()}`;
const input: ChatMessage[] = [{ role: 'user', content: 'what next?' }];

const opened: Db[] = [];
afterEach(() => opened.splice(0).forEach((db) => db.close()));

function setup(turnCount: number, content = long): { repo: SessionRepo; sessionId: string; ids: number[] } {
  const { db } = openStore(join(mkdtempSync(join(tmpdir(), 'cliver-history-')), 'gateway.db'));
  opened.push(db);
  const repo = new SessionRepo(db);
  const sessionId = repo.create({ source: 'im' }, T0).id;
  const turns: NewTurn[] = Array.from({ length: turnCount }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: content(i) }));
  return { repo, sessionId, ids: repo.appendTurns(sessionId, turns, T0) };
}

function options(repo: SessionRepo, sessionId: string, summarize: PrepareHistoryOptions['summarize']): PrepareHistoryOptions {
  return { repo, sessionId, input, contextWindow: WINDOW, maxTurns: 100, summarize, model: 'gpt-4o' };
}

const contents = (messages: ChatMessage[]): unknown[] => messages.map((m) => m.content);

describe('prepareHistory', () => {
  it('returns the turns as user/assistant messages when they fit', async () => {
    const { repo, sessionId } = setup(3, (i) => `short ${i}`);
    const summarize = jest.fn();
    const out = await prepareHistory(options(repo, sessionId, summarize));
    expect(out.messages).toEqual([
      { role: 'user', content: 'short 0' },
      { role: 'assistant', content: 'short 1' },
      { role: 'user', content: 'short 2' },
    ]);
    expect(out.compressed).toBe('none');
    expect(out.tokens).toBeLessThanOrEqual(WINDOW * 0.7);
    expect(summarize).not.toHaveBeenCalled();
  });

  it('counts the system text and tool schemas against the window, not only the conversation', async () => {
    const { repo, sessionId } = setup(3, (i) => `short ${i}`);
    const plain = await prepareHistory(options(repo, sessionId, jest.fn()));
    expect(plain.compressed).toBe('none');
    // The same short history no longer fits once identity, memory and skills fill the system text
    // and the tools bring their schemas: summarising starts.
    const summarize = jest.fn(async () => 'they said short things');
    const overhead = {
      system: `You are a test agent. ${'identity and memory text '.repeat(20)}`,
      tools: [{ name: 'CreateTask', description: 'Creates a task', parameters: { type: 'object', properties: { name: { type: 'string' }, prompt: { type: 'string' } } } }],
    };
    const heavy = await prepareHistory({ ...options(repo, sessionId, summarize), overhead });
    expect(heavy.compressed).toBe('summary');
    expect(summarize).toHaveBeenCalledTimes(1);
    expect(heavy.tokens).toBeGreaterThan(countText(overhead.system, 'gpt-4o'));
  });

  it('loads only the newest maxTurns turns', async () => {
    const { repo, sessionId } = setup(10, (i) => `short ${i}`);
    const out = await prepareHistory({ ...options(repo, sessionId, jest.fn()), maxTurns: 4 });
    expect(contents(out.messages)).toEqual(['short 6', 'short 7', 'short 8', 'short 9']);
  });

  it('summarises the older 70 % once, stores it with the last covered turn, and reuses it', async () => {
    const { repo, sessionId, ids } = setup(10);
    const summarize = jest.fn(async (older: ChatMessage[]) => `covered ${older.length} messages`);

    const first = await prepareHistory(options(repo, sessionId, summarize));
    expect(first.compressed).toBe('summary');
    expect(summarize).toHaveBeenCalledTimes(1);
    expect(contents(summarize.mock.calls[0][0])).toEqual([0, 1, 2, 3, 4, 5, 6].map(long));
    expect(contents(first.messages)).toEqual(['[Conversation Summary] covered 7 messages', long(7), long(8), long(9)]);
    expect(first.messages[0].role).toBe('user');
    expect(repo.get(sessionId)).toMatchObject({ summary: 'covered 7 messages', summaryUptoTurn: ids[6] });
    expect(repo.turns(sessionId)).toHaveLength(10);

    repo.appendTurns(sessionId, [{ role: 'user', content: 'what next?' }, { role: 'assistant', content: 'this.' }], T0);
    const second = await prepareHistory(options(repo, sessionId, summarize));
    expect(second.compressed).toBe('none');
    expect(summarize).toHaveBeenCalledTimes(1);
    expect(contents(second.messages)).toEqual([
      '[Conversation Summary] covered 7 messages', long(7), long(8), long(9), 'what next?', 'this.',
    ]);
  });

  it('summarises again, previous summary included, only once the window is passed again', async () => {
    const { repo, sessionId } = setup(10);
    const summarize = jest.fn(async (older: ChatMessage[]) => `covered ${older.length} messages`);
    await prepareHistory(options(repo, sessionId, summarize));
    const more = repo.appendTurns(sessionId, [10, 11, 12, 13].map((i) => ({ role: 'user' as const, content: long(i) })), T0);

    const out = await prepareHistory(options(repo, sessionId, summarize));
    expect(out.compressed).toBe('summary');
    expect(summarize).toHaveBeenCalledTimes(2);
    const older = summarize.mock.calls[1][0];
    // History was [summary, 7..13]: the newest 30 % (two messages) stay, the rest is summarised.
    expect(older[0]).toEqual({ role: 'user', content: '[Conversation Summary] covered 7 messages' });
    expect(contents(older.slice(1))).toEqual([7, 8, 9, 10, 11].map(long));
    expect(repo.get(sessionId)).toMatchObject({ summary: 'covered 6 messages', summaryUptoTurn: more[1] });
    expect(contents(out.messages)).toEqual(['[Conversation Summary] covered 6 messages', long(12), long(13)]);
  });

  it('drops the oldest messages when summarising fails, and stores no summary', async () => {
    const { repo, sessionId } = setup(10);
    const failure = new Error('provider down');
    const out = await prepareHistory(options(repo, sessionId, async () => Promise.reject(failure)));
    expect(out.compressed).toBe('truncated');
    expect(out.summaryError).toBe(failure);
    expect(out.tokens).toBeLessThanOrEqual(WINDOW * 0.7);
    const kept = contents(out.messages);
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept).toEqual([...Array(10).keys()].slice(10 - kept.length).map(long));
    // One more message would not have fitted.
    expect(out.tokens + countMessage({ role: 'user', content: long(0) }, 'gpt-4o')).toBeGreaterThan(WINDOW * 0.7);
    expect(repo.get(sessionId)?.summary).toBeUndefined();
  });

  it('treats an empty summary as a failure', async () => {
    const { repo, sessionId } = setup(10);
    const out = await prepareHistory(options(repo, sessionId, async () => '  '));
    expect(out.compressed).toBe('truncated');
    expect(out.summaryError).toEqual(expect.objectContaining({ reason: 'empty_summary' }));
  });

  it('refuses a session that does not exist', async () => {
    const { repo } = setup(0);
    await expect(prepareHistory(options(repo, 'gone', jest.fn()))).rejects.toMatchObject({ code: 'not_found' });
  });
});
