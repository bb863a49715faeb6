import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config, createLogger } from '@cliver/common';
import { startFakeLlm, waitFor, type FakeLlm } from '@cliver/testkit';
import { Agent } from '../agent/agent';
import { TurnSessions } from '../agent/turn-sessions';
import { ModelCatalog } from '../providers/model-catalog';
import { ProviderRegistry } from '../providers/provider-registry';
import { SessionRepo } from '../sessions/session-repo';
import { openStore } from '../store/db';
import { InboundRepo, type NewInbound } from '../store/inbound-repo';
import { OutboxRepo } from '../store/outbox-repo';
import { saveAttachments, type IncomingFile } from './attachment-store';
import { ConversationQueue } from './conversation-queue';
import { HELP_TEXT, MessageRunner } from './message-runner';
import { OutboxFeed } from './outbox-feed';
import { findAudioProvider, voiceTranscriber } from './transcribe-voice';

// The IM half of agent-core from the queue down: real store, real Agent and sessions, the kit's
// fake LLM behind the real OpenAI SDK.
const log = createLogger({ service: 'test', level: 'silent' });
let fake: FakeLlm;

beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

type SentMessage = { role: string; content: string | Array<{ type: string; text?: string; image_url?: { url: string } }> };
const chatRequests = () => fake.requests.filter((r) => r.api === 'openai').map((r) => (r.body as { messages: SentMessage[] }).messages);

interface WorldOptions {
  file?: string;
  audio?: boolean;
}

function world(o: WorldOptions = {}) {
  const file = o.file ?? join(mkdtempSync(join(tmpdir(), 'cliver-im-')), 'gateway.db');
  const { db } = openStore(file);
  const config = Config.parse({
    providers: { fake: { type: 'openai', api_url: fake.openaiBaseUrl, api_key: 'k', models: ['gpt-4o'], ...(o.audio ? { audio_model: 'whisper-1' } : {}) } },
  });
  const now = () => new Date();
  const catalog = new ModelCatalog(config);
  const providers = new ProviderRegistry({ timeoutMs: 10_000, retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 100 } });
  const sessions = new SessionRepo(db);
  const turnSessions = new TurnSessions({ repo: sessions, providers, maxTurnsPerSession: 100, log, now });
  const agent = new Agent({ catalog, providers, sessions: turnSessions, setup: { setup: (request) => ({ system: 'You are a test agent.', tools: request.turnTools ?? [] }) }, log, maxIterations: 4 });
  const inbound = new InboundRepo(db);
  const outbox = new OutboxRepo(db);
  const feed = new OutboxFeed(outbox);
  const audio = findAudioProvider(config);
  const transcribe = audio && voiceTranscriber(audio, { timeoutMs: 5000 });
  const agentDir = join(file, '..');
  const runner = new MessageRunner({ agentDir, agent, catalog, sessions, inbound, outbox, feed, transcribe, log, now });
  const queue = new ConversationQueue({ inbound, run: runner.run, maxParallel: 4, log });
  const inboxDir = join(file, '..', 'inbox');
  let seq = 0;
  const record = (text: string, extra: Partial<NewInbound> & { files?: IncomingFile[] } = {}) => {
    seq += 1;
    const eventId = extra.eventId ?? `e${seq}-${Math.random()}`;
    const { files = [], ...rest } = extra;
    const { id } = inbound.record(
      {
        adapter: 'tg', eventId, channelId: 'c1', threadId: 't9', messageId: `m${seq}`, userId: 'u1', userName: 'Ann', text,
        attachments: saveAttachments(inboxDir, 'tg', eventId, files), isGroup: false, ...rest,
      },
      now(),
    );
    queue.wake();
    return id;
  };
  const answered = async (id: number) => {
    await waitFor(() => ['done', 'failed'].includes(inbound.get(id)?.status ?? '') && outbox.byKey(`inbound:${id}`), { what: `an answer to message ${id}` });
    return outbox.byKey(`inbound:${id}`)!;
  };
  const outboxCount = () => (db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
  return { db, file, agentDir, inbound, outbox, sessions, queue, record, answered, outboxCount };
}

describe('SendFile', () => {
  it('attaches a file of the workspace to the reply, in the entry that carries the text', async () => {
    const w = world();
    mkdirSync(join(w.agentDir, 'files'), { recursive: true });
    writeFileSync(join(w.agentDir, 'files', 'report.csv'), 'a,b\n1,2\n');
    fake.script({ match: { lastUserIncludes: 'send me the report' }, reply: { toolCalls: [{ name: 'SendFile', arguments: { path: 'report.csv' } }] } });
    w.queue.start();
    const entry = await w.answered(w.record('send me the report'));
    expect(entry.markdown).toBe('tool result: report.csv (8 bytes) will be sent with your reply.');
    expect(entry.attachments).toEqual([expect.objectContaining({ kind: 'file', fileName: 'report.csv', mimeType: 'text/csv', bytes: 8 })]);
    await w.queue.stop(100);
  });

  it('refuses files outside the workspace and the inbox, also through a symlink, and the reply goes out without them', async () => {
    const w = world();
    mkdirSync(join(w.agentDir, 'files'), { recursive: true });
    writeFileSync(join(w.agentDir, 'config.yaml'), 'secret: x');
    symlinkSync(join(w.agentDir, 'config.yaml'), join(w.agentDir, 'files', 'innocent.txt'));
    fake.script({
      match: { lastUserIncludes: 'leak it' },
      reply: { toolCalls: [{ name: 'SendFile', arguments: { path: join(w.agentDir, 'config.yaml') } }, { name: 'SendFile', arguments: { path: 'innocent.txt' } }, { name: 'SendFile', arguments: { path: '../gateway.db' } }] },
    });
    w.queue.start();
    const entry = await w.answered(w.record('leak it'));
    expect(entry.attachments).toEqual([]);
    const toolResults = chatRequests().at(-1)!.filter((m) => m.role === 'tool').map((m) => m.content);
    expect(toolResults).toHaveLength(3);
    for (const r of toolResults) expect(r).toMatch(/^Error: only files under .* can be sent/);
    await w.queue.stop(100);
  });
});

describe('MessageRunner', () => {
  it('answers a message with one outbox entry that replies to it, addressed to its conversation', async () => {
    const w = world();
    w.queue.start();
    const id = w.record('hello there');
    const entry = await w.answered(id);
    expect(entry).toMatchObject({
      markdown: 'echo: hello there',
      replyToMessageId: 'm1',
      address: { adapter: 'tg', channelId: 'c1', threadId: 't9' },
      status: 'pending',
    });
    expect(w.outboxCount()).toBe(1);
    expect(w.inbound.get(id)?.status).toBe('done');
    const session = w.sessions.findByImKey('tg:c1:t9')!;
    expect(w.sessions.turns(session.id).map((t) => [t.role, t.content])).toEqual([['user', 'hello there'], ['assistant', 'echo: hello there']]);
    await w.queue.stop(100);
  });

  it('starts a fresh session on /new (also /new@botname) and keeps the old one listed', async () => {
    const w = world();
    w.queue.start();
    await w.answered(w.record('first topic'));
    const old = w.sessions.findByImKey('tg:c1:t9')!;
    const reset = await w.answered(w.record('/new@cliver_bot'));
    expect(reset.markdown).toBe('Started a new conversation. What shall we talk about?');
    await w.answered(w.record('second topic'));
    const fresh = w.sessions.findByImKey('tg:c1:t9')!;
    expect(fresh.id).not.toBe(old.id);
    expect(w.sessions.list({ source: 'gateway', limit: 10, offset: 0 }).map((s) => s.id).sort()).toEqual([old.id, fresh.id].sort());
    expect(w.sessions.turns(old.id)).toHaveLength(2);
    // The model saw nothing of the old conversation.
    expect(chatRequests().at(-1)).toEqual([{ role: 'system', content: 'You are a test agent.' }, { role: 'user', content: 'second topic' }]);
    await w.answered(w.record('/new'));
    expect(w.sessions.findByImKey('tg:c1:t9')).toBeUndefined();
    await w.queue.stop(100);
  });

  it('answers /help with the help text without asking the model', async () => {
    const w = world();
    w.queue.start();
    expect((await w.answered(w.record('/help'))).markdown).toBe(HELP_TEXT);
    expect(chatRequests()).toHaveLength(0);
    await w.queue.stop(100);
  });

  it('answers a provider failure with one apology and keeps the message as failed', async () => {
    const w = world();
    w.queue.start();
    fake.script({ reply: { error: { status: 401 } } });
    const id = w.record('hello');
    const entry = await w.answered(id);
    expect(entry.markdown).toMatch(/^Sorry, I could not answer that: provider 'fake' rejected our credentials \(HTTP 401\): check its api_key in config\.yaml/);
    expect(w.inbound.get(id)).toMatchObject({ status: 'failed', error: expect.stringContaining('rejected our credentials') });
    expect(w.outboxCount()).toBe(1);
    // The conversation goes on with the next message.
    expect((await w.answered(w.record('again'))).markdown).toBe('echo: again');
    await w.queue.stop(100);
  });

  it('shows an image to a vision model as an image part and offers other files by path', async () => {
    const w = world();
    w.queue.start();
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const id = w.record('what is this?', {
      files: [
        { kind: 'image', fileName: 'photo.png', mimeType: 'image/png', data: png },
        { kind: 'file', fileName: 'notes.txt', mimeType: 'text/plain', data: Buffer.from('some notes') },
      ],
    });
    await w.answered(id);
    const user = chatRequests().at(-1)!.at(-1)!;
    const saved = w.inbound.get(id)!.attachments;
    expect(user).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: `what is this?\n\n[file received: notes.txt (text/plain, 10 bytes), saved at ${saved[1]!.path}]` },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } },
      ],
    });
    await w.queue.stop(100);
  });
});

describe('voice messages', () => {
  const voice: IncomingFile = { kind: 'voice', fileName: 'file_3.oga', mimeType: 'audio/ogg', data: Buffer.alloc(2048, 1) };

  it('transcribes a voice note through the audio provider and puts the transcript before the text', async () => {
    const w = world({ audio: true });
    w.queue.start();
    fake.script({ match: { api: 'transcription' }, reply: { text: 'buy milk tomorrow' } });
    const entry = await w.answered(w.record('(voice)', { files: [voice] }));
    expect(fake.requests.filter((r) => r.api === 'transcription')).toHaveLength(1);
    expect(chatRequests().at(-1)!.at(-1)).toEqual({ role: 'user', content: '[voice message transcript] buy milk tomorrow\n\n(voice)' });
    expect(entry.markdown).toBe('echo: [voice message transcript] buy milk tomorrow\n\n(voice)');
    await w.queue.stop(100);
  });

  it('offers the voice note by path when transcription fails, and still answers', async () => {
    const w = world({ audio: true });
    w.queue.start();
    fake.script({ match: { api: 'transcription' }, reply: { error: { status: 500, message: 'decoder crashed' } } });
    const id = w.record('', { files: [voice] });
    const entry = await w.answered(id);
    const path = w.inbound.get(id)!.attachments[0]!.path;
    expect(chatRequests().at(-1)!.at(-1)).toEqual({
      role: 'user',
      content: `[voice message received: file_3.oga (audio/ogg, 2048 bytes), saved at ${path}; it could not be transcribed: provider 'fake' failed (HTTP 500): decoder crashed]`,
    });
    expect(entry.markdown).toMatch(/^echo: \[voice message received/);
    expect(w.inbound.get(id)?.status).toBe('done');
    await w.queue.stop(100);
  });

  it('offers the voice note by path when no provider is audio-capable', async () => {
    const w = world();
    w.queue.start();
    await w.answered(w.record('', { files: [voice] }));
    expect(fake.requests.filter((r) => r.api === 'transcription')).toHaveLength(0);
    expect(chatRequests().at(-1)!.at(-1)!.content).toMatch(/; it could not be transcribed: no audio-capable provider is configured/);
    await w.queue.stop(100);
  });
});

describe('a turn cut off by a crash', () => {
  // The crash is played by dropping the first queue without stop() and opening a second store
  // on the same file; the dropped turn is still running and ends later, as a paused process would.
  async function crashWhileRunning(firstDelayMs: number, secondDelayMs: number) {
    fake.script({ reply: { text: 'first run answer', firstTokenDelayMs: firstDelayMs } });
    fake.script({ reply: { text: 'second run answer', firstTokenDelayMs: secondDelayMs } });
    const before = world();
    before.queue.start();
    const id = before.record('do the thing');
    await waitFor(() => chatRequests().length === 1, { what: 'the first run to ask the model' });
    const after = world({ file: before.file });
    after.queue.start();
    await waitFor(() => before.queue.busy === 0 && after.queue.busy === 0 && chatRequests().length === 2, { what: 'both runs to end' });
    const session = after.sessions.findByImKey('tg:c1:t9')!;
    const result = {
      entries: (after.db.prepare('SELECT dedupe_key, markdown FROM outbox').all() as Array<{ dedupe_key: string; markdown: string }>),
      turns: after.sessions.turns(session.id).map((t) => t.content),
      status: after.inbound.get(id)?.status,
      id,
    };
    await after.queue.stop(100);
    before.db.close();
    after.db.close();
    return result;
  }

  it('runs the message again and writes its reply once when the new run commits first', async () => {
    const r = await crashWhileRunning(800, 0);
    expect(r.entries).toEqual([{ dedupe_key: `inbound:${r.id}`, markdown: 'second run answer' }]);
    expect(r.turns).toEqual(['do the thing', 'second run answer']);
    expect(r.status).toBe('done');
  });

  it('stores nothing from the new run when the interrupted one commits first', async () => {
    const r = await crashWhileRunning(300, 1200);
    expect(r.entries).toEqual([{ dedupe_key: `inbound:${r.id}`, markdown: 'first run answer' }]);
    expect(r.turns).toEqual(['do the thing', 'first run answer']);
    expect(r.status).toBe('done');
  });

  it('answers a message that was interrupted too many times with a notice instead of running it again', async () => {
    const w = world();
    const id = w.record('crashes the process');
    for (let i = 0; i < 5; i++) w.inbound.markRunning(id); // five starts that never finished
    w.queue.start();
    const entry = await w.answered(id);
    expect(entry.markdown).toBe('Sorry, I could not answer that: answering it was interrupted 5 times (agent-core stopped each time)');
    expect(w.inbound.get(id)?.status).toBe('failed');
    expect(chatRequests()).toHaveLength(0);
    await w.queue.stop(100);
  });
});
