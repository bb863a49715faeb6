// The Discord adapter with the real discord.js against the test kit's fake Discord (REST and gateway),
// in one process: what the e2e suite cannot reach quickly (rate limits, 5xx, re-identify, outages).
import { Writable } from 'node:stream';
import { createLogger, type Platform } from '@cliver/common';
import { startFakeDiscord, waitFor, FAKE_DISCORD_IDS, type FakeDiscord } from '@cliver/testkit';
import type { AdapterContext, AdapterState, IncomingMessage, RecentConversation } from '../../platform';
import { DiscordAdapter, type DiscordTimings } from './discord-adapter';

jest.setTimeout(20_000);

const { general, thread } = FAKE_DISCORD_IDS;
const FAST: DiscordTimings = {
  retry: { baseMs: 50, maxMs: 200 },
  maxRateLimitWaitMs: 2000,
  downloadTimeoutMs: 2000,
  // discord.js waits 5 s between IDENTIFYs by default (fake-platforms.md §2.5).
  buildIdentifyThrottler: () => ({ waitForIdentify: async () => undefined }),
};

let fake: FakeDiscord;
let adapter: DiscordAdapter;
let received: IncomingMessage[];
let states: Array<{ state: AdapterState; error?: string }>;
let logs: Array<{ msg: string; level: number }>;
let refuseNext: number;
// What agent-core would answer to ListRecentConversations.
let recent: RecentConversation[];

function context(config: Partial<Platform> = {}): AdapterContext {
  const destination = new Writable({
    write(line: Buffer, _enc, done) {
      logs.push(JSON.parse(line.toString()) as { msg: string; level: number });
      done();
    },
  });
  return {
    name: 'dc',
    config: { type: 'discord', token: fake.token, api_url: fake.restUrl, allowed_users: [], require_mention: false, ...config } as Platform,
    log: createLogger({ service: 'test', level: 'debug', destination }),
    receive: async (m) => {
      if (refuseNext > 0) {
        refuseNext--;
        throw new Error('agent-core is away');
      }
      received.push(m);
    },
    setState: (state, error) => states.push({ state, error }),
    markAlive: () => undefined,
    recentConversations: async () => recent,
  };
}

const lastState = () => states.at(-1);
const connected = (what = 'connected') => waitFor(() => lastState()?.state === 'connected', { timeoutMs: 5000, intervalMs: 10, what });
const receivedText = (text: string) => waitFor(() => received.find((m) => m.text === text), { timeoutMs: 5000, intervalMs: 10, what: `the message "${text}"` });
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

beforeEach(async () => {
  fake = await startFakeDiscord({ heartbeatIntervalMs: 500, log: () => undefined });
  received = [];
  states = [];
  logs = [];
  refuseNext = 0;
  recent = [];
  adapter = new DiscordAdapter(FAST);
});

afterEach(async () => {
  await adapter.stop();
  await fake.close();
});

async function started(config: Partial<Platform> = {}): Promise<void> {
  await adapter.start(context(config));
  await connected();
}

describe('connecting', () => {
  it('reports connecting, then connected once the gateway is ready', async () => {
    await started();
    expect(states.map((s) => s.state)).toEqual(['connecting', 'connected']);
    expect(fake.gateway.identifies).toHaveLength(1);
  });

  it('accepts an api_url that carries the API version, as Discord documents it', async () => {
    await started({ api_url: `${fake.restUrl}/v10/` });
  });

  it('names api_url when Discord answers 404 to the login', async () => {
    await adapter.start(context({ api_url: `${fake.baseUrl}/not-the-api` }));
    const s = await waitFor(() => states.find((x) => x.state === 'error'), { timeoutMs: 5000, what: 'the 404 in the state' });
    expect(s.error).toMatch(/404.*gateway\.platforms\.dc\.api_url/);
  });

  it('reports a rejected token as an error that names the token', async () => {
    await adapter.start(context({ token: 'not-the-token' }));
    const s = await waitFor(() => states.find((x) => x.state === 'error'), { timeoutMs: 5000, what: 'the token error' });
    expect(s.error).toMatch(/Discord rejected the bot token.*gateway\.platforms\.dc\.token/);
    expect(JSON.stringify(states)).not.toContain('not-the-token');
  });

  it('keeps logging in while Discord is unreachable, and connects once it answers', async () => {
    await fake.stop();
    await adapter.start(context());
    await waitFor(() => states.find((x) => x.state === 'error' && /cannot reach Discord/.test(x.error ?? '')), { timeoutMs: 5000, what: 'the unreachable error' });
    await fake.start();
    await connected('connected once Discord is back');
  });
});

describe('receiving', () => {
  it('turns guild, thread and DM messages into messages with their addresses, without the bot mention', async () => {
    await started();
    const inGuild = fake.injectMessage({ channel: 'general', text: 'hello bot', mentionBot: true });
    fake.injectMessage({ channel: 'thread', text: 'in the thread' });
    const dm = fake.injectMessage({ channel: 'dm', text: 'private' });
    const fresh = fake.injectMessage({ channel: 'second', newThread: 'topic', text: 'new topic' });
    const a = await receivedText('hello bot');
    const b = await receivedText('in the thread');
    const c = await receivedText('private');
    const d = await receivedText('new topic');
    expect(a).toMatchObject({ eventId: inGuild.id, messageId: inGuild.id, userId: FAKE_DISCORD_IDS.user, userName: 'Alice', isGroup: true, mentionsBot: true, address: { channelId: general, threadId: '' } });
    expect(b).toMatchObject({ isGroup: true, mentionsBot: false, address: { channelId: general, threadId: thread } });
    expect(c).toMatchObject({ isGroup: false, mentionsBot: true, address: { channelId: dm.channel_id, threadId: '' } });
    expect(d).toMatchObject({ address: { channelId: FAKE_DISCORD_IDS.second, threadId: fresh.channel_id } });
    expect(a.sentAtMs).toBeGreaterThan(0);
    // The bot's own replies come back as MESSAGE_CREATE: they are not messages to answer.
    expect(received).toHaveLength(4);
  });

  it('downloads attachments once, with their bytes, even when recording is retried', async () => {
    refuseNext = 2;
    await started();
    const data = Buffer.from('%PDF-1.4 fake pdf bytes');
    fake.injectMessage({ text: 'see file', attachments: [{ data, fileName: 'report.pdf' }] });
    const m = await receivedText('see file');
    expect(m.files).toEqual([expect.objectContaining({ kind: 'file', fileName: 'report.pdf', mimeType: 'application/pdf' })]);
    expect(Buffer.from(m.files[0]!.data).equals(data)).toBe(true);
    expect(fake.downloads).toHaveLength(1);
    // A later message of the same channel comes after it: by then a duplicate would be there too.
    fake.injectMessage({ text: 'after the file' });
    await receivedText('after the file');
    expect(received.map((r) => r.text)).toEqual(['see file', 'after the file']);
  });

  it('records a message whose attachment is not downloaded with a note, and the channel goes on', async () => {
    await started();
    fake.injectMessage({ text: 'huge file', attachments: [{ data: Buffer.alloc(21 * 1024 * 1024), fileName: 'disk.img' }] });
    fake.injectMessage({ text: 'next' });
    const m = await waitFor(() => received.find((r) => r.text.startsWith('huge file')), { timeoutMs: 5000, what: 'the message with the skipped file' });
    expect(m.text).toBe('huge file\n\n[attachment "disk.img" could not be downloaded from Discord: larger than 20 MiB]');
    expect(m.files).toEqual([]);
    await receivedText('next');
    expect(logs.some((l) => l.msg === 'Discord attachments not downloaded; recording the message without them')).toBe(true);
  });

  it('resumes after a dropped connection and receives the message sent meanwhile once', async () => {
    await started();
    const before = states.length;
    fake.dropConnection();
    fake.injectMessage({ text: 'while down' });
    await receivedText('while down');
    await connected('connected after the resume');
    expect(fake.gateway.resumes).toEqual([expect.objectContaining({ outcome: 'resumed', replayed: 1 })]);
    expect(fake.gateway.identifies).toHaveLength(1);
    expect(states.slice(before).map((s) => s.state)).toEqual(['connecting', 'connected']);
    fake.injectMessage({ text: 'after the resume' });
    await receivedText('after the resume');
    expect(received.filter((m) => m.text === 'while down')).toHaveLength(1);
  });

  it('identifies again at once after INVALID_SESSION when the identify throttle is replaced', async () => {
    await started();
    const began = Date.now();
    fake.invalidateSession();
    await waitFor(() => fake.gateway.identifies.length === 2, { timeoutMs: 3000, intervalMs: 10, what: 'a second IDENTIFY' });
    await connected('connected on the new session');
    expect(Date.now() - began).toBeLessThan(3000);
    fake.injectMessage({ text: 'on the new session' });
    await receivedText('on the new session');
  });

  it('reports an outage once, not on every reconnect attempt, and connected when it ends', async () => {
    await started();
    const before = states.length;
    await fake.stop();
    const attempts = () => logs.filter((l) => l.msg === 'Discord gateway reconnecting').length;
    await waitFor(() => attempts() >= 4, { timeoutMs: 5000, intervalMs: 20, what: 'four reconnect attempts' });
    expect(states.slice(before)).toEqual([{ state: 'connecting' }, { state: 'error', error: expect.stringMatching(/lost the connection to the Discord gateway/) }]);
    await fake.start();
    await connected('connected after the outage');
    expect(states.slice(before).map((s) => s.state)).toEqual(['connecting', 'error', 'connected']);
  });
});

describe('sending', () => {
  it('posts a chunk into a channel, a thread and a DM, replying to the message', async () => {
    await started();
    const q1 = fake.injectMessage({ text: 'q1' });
    const q2 = fake.injectMessage({ channel: 'thread', text: 'q2' });
    const q3 = fake.injectMessage({ channel: 'dm', text: 'q3' });
    for (const t of ['q1', 'q2', 'q3']) await receivedText(t);
    const [chunk] = adapter.render('**answer**');
    const to = received.map((m) => m.address);
    const ids = [
      await adapter.sendChunk(to[0]!, chunk!, { replyTo: q1.id, idempotencyKey: 'e1:0' }),
      await adapter.sendChunk(to[1]!, chunk!, { replyTo: q2.id, idempotencyKey: 'e2:0' }),
      await adapter.sendChunk(to[2]!, chunk!, { replyTo: q3.id, idempotencyKey: 'e3:0' }),
    ];
    const posted = [fake.sent(general), fake.sent(thread), fake.sent(q3.channel_id)].map((s) => s.at(-1)!);
    expect(posted.map((p) => p.id)).toEqual(ids);
    expect(posted.map((p) => p.content)).toEqual([chunk!.text, chunk!.text, chunk!.text]);
    expect(posted.map((p) => p.messageReference?.message_id)).toEqual([q1.id, q2.id, q3.id]);
    expect(fake.sent(general).some((p) => p.id === ids[1])).toBe(false);
  });

  it('posts a chunk resent with the same idempotency key once, and chunks whose keys share a long prefix each', async () => {
    await started();
    const to = { channelId: general, threadId: '' };
    const [chunk] = adapter.render('once');
    const entry = '0190a2b4-7c1d-7e2f-8a3b-4c5d6e7f8a9b';
    const first = await adapter.sendChunk(to, chunk!, { idempotencyKey: `${entry}:0` });
    const again = await adapter.sendChunk(to, chunk!, { idempotencyKey: `${entry}:0` });
    const next = await adapter.sendChunk(to, chunk!, { idempotencyKey: `${entry}:1` });
    expect(again).toBe(first);
    expect(next).not.toBe(first);
    expect(fake.sent(general).map((s) => s.id)).toEqual([first, next]);
    for (const s of fake.sent(general)) expect(String(s.nonce).length).toBeLessThanOrEqual(25);
  });

  it('uploads a file with its bytes', async () => {
    await started();
    const data = new TextEncoder().encode('report body');
    const id = await adapter.sendFile({ channelId: general, threadId: thread }, { kind: 'file', fileName: 'report.txt', mimeType: 'text/plain', data }, { idempotencyKey: 'f1:1' });
    const sent = fake.sent(thread).find((s) => s.id === id)!;
    expect(sent.attachments).toEqual([expect.objectContaining({ filename: 'report.txt', size: data.byteLength })]);
    expect(sent.attachments[0]!.bytes.toString()).toBe('report body');
  });

  it('refuses a chunk over 2000 characters as permanent (50035), and posts nothing', async () => {
    await started();
    const refused = await failure(adapter.sendChunk({ channelId: general, threadId: '' }, { text: 'x'.repeat(2001) }, { idempotencyKey: 'l1:0' }));
    expect(refused).toMatchObject({ name: 'DeliveryError', permanent: true });
    expect((refused as Error).message).toMatch(/50035/);
    expect(fake.sent()).toEqual([]);
  });

  it('turns a 5xx that outlasts discord.js retries into a transient DeliveryError', async () => {
    await started();
    fake.failNext(4, { status: 500, match: 'POST /channels/:id/messages' });
    const failed = await failure(adapter.sendChunk({ channelId: general, threadId: '' }, { text: 'doomed' }, { idempotencyKey: 'x1:0' }));
    expect(failed).toMatchObject({ name: 'DeliveryError', permanent: false });
    expect((failed as Error).message).toMatch(/^Discord failed \(HTTP 500\)/);
    expect(fake.sent()).toEqual([]);
  });

  it('waits out a short rate limit and posts once', async () => {
    await started();
    fake.failNext(1, { status: 429, retryAfter: 0.2, match: 'POST /channels/:id/messages' });
    await adapter.sendChunk({ channelId: general, threadId: '' }, { text: 'limited' }, { idempotencyKey: 'r1:0' });
    expect(fake.sent().map((s) => s.content)).toEqual(['limited']);
  });

  it('hands a long global rate limit back with its retry time instead of waiting it out', async () => {
    await started();
    fake.failNext(1, { status: 429, retryAfter: 60, global: true, match: 'POST /channels/:id/messages' });
    const began = Date.now();
    const limited = await failure(adapter.sendChunk({ channelId: general, threadId: '' }, { text: 'later' }, { idempotencyKey: 'r2:0' }));
    expect(Date.now() - began).toBeLessThan(5000);
    expect(limited).toMatchObject({ name: 'DeliveryError', permanent: false });
    expect((limited as { retryAfterMs: number }).retryAfterMs).toBeGreaterThanOrEqual(59_000);
  }, 8000);

  it('shows typing, and reports a typing failure as a DeliveryError', async () => {
    await started();
    await adapter.sendTyping({ channelId: general, threadId: thread });
    expect(fake.typing.map((t) => t.channelId)).toEqual([thread]);
    fake.failNext(4, { status: 503, match: 'POST /channels/:id/typing' });
    const failed = await failure(adapter.sendTyping({ channelId: general, threadId: '' }));
    expect(failed).toMatchObject({ name: 'DeliveryError', permanent: false });
  });

  it('refuses a channel the bot cannot see as permanent', async () => {
    await started();
    const refused = await failure(adapter.sendChunk({ channelId: '399999999999999999', threadId: '' }, { text: 'hi' }, { idempotencyKey: 'u1:0' }));
    expect(refused).toMatchObject({ name: 'DeliveryError', permanent: true });
  });
});

describe('messages sent while no session was live', () => {
  it('fetches them over REST when a new session starts, after the newest recorded message of each conversation', async () => {
    await started();
    fake.injectMessage({ channel: 'general', text: 'seen live' });
    const seen = await receivedText('seen live');
    await adapter.stop();
    // adapter-host is down: Discord keeps these, but a new session will not replay them.
    fake.injectMessage({ channel: 'general', text: 'missed one' });
    fake.injectMessage({ channel: 'general', text: 'missed two' });
    recent = [{ address: seen.address, lastEventId: seen.eventId }];
    received = [];
    adapter = new DiscordAdapter(FAST);
    await started();
    await receivedText('missed two');
    expect(received.map((m) => m.text)).toEqual(['missed one', 'missed two']);
  });

  it('keeps running when agent-core cannot say which conversations were active', async () => {
    const failing = { ...context(), recentConversations: () => Promise.reject(new Error('agent-core is away')) };
    await adapter.start(failing);
    await connected();
    fake.injectMessage({ channel: 'general', text: 'still answered' });
    await receivedText('still answered');
    expect(logs.some((l) => l.msg.startsWith('cannot ask agent-core for recent conversations'))).toBe(true);
  });
});
