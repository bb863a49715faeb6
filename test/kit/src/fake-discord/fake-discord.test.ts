import { once } from 'node:events';
import { ChannelType, Client, DiscordAPIError, Events, GatewayIntentBits, Partials, RESTEvents, type Message, type TextChannel, type ThreadChannel } from 'discord.js';
import { WebSocket } from 'ws';
import { waitFor } from '../harness/wait-for';
import { GatewaySession } from './gateway/session';
import { startFakeDiscord, type FakeDiscord } from './index';
import { Recorder } from './records';

// Tests share one client, so timing stays low; each waits for a condition, never for a fixed time.
jest.setTimeout(20_000);

let fake: FakeDiscord;
let client: Client;
const logs: string[] = [];
const received: Message[] = [];
const dispatches: Array<{ t: string; id?: string }> = [];

function newClient(): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.DirectMessages],
    // DMs arrive in channels discord.js has not cached (fake-platforms.md §2.3).
    partials: [Partials.Channel],
    rest: { api: fake.restUrl },
    // discord.js waits 5 s between IDENTIFYs by default; the re-identify tests would wait for it.
    ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => undefined }) },
  });
}

async function login(c: Client, token = fake.token): Promise<void> {
  // Ready can fire before login() resolves: listen first.
  const ready = once(c, Events.ClientReady);
  await c.login(token);
  await ready;
}

const fromUser = (id: string) => waitFor(() => received.find((m) => m.id === id), { timeoutMs: 5000, intervalMs: 10, what: `message ${id} in messageCreate` });
const general = () => client.channels.cache.get(fake.ids.general) as TextChannel;
const shardResumed = () => once(client, Events.ShardResume);

beforeAll(async () => {
  fake = await startFakeDiscord({ heartbeatIntervalMs: 400, log: (line) => logs.push(line) });
  client = newClient();
  client.on(Events.MessageCreate, (m) => {
    if (!m.author.bot) received.push(m);
  });
  client.on(Events.Raw, (packet: { t?: string; d?: { id?: string } }) => {
    if (packet.t) dispatches.push({ t: packet.t, id: packet.d?.id });
  });
  await login(client);
});

beforeEach(() => {
  fake.reset();
  logs.length = 0;
});

afterAll(async () => {
  await client?.destroy();
  await fake?.close();
});

describe('connecting', () => {
  test('discord.js becomes ready with the fixture guild, both channels and the thread', () => {
    expect(fake.restUrl).toBe(`http://127.0.0.1:${fake.port}/api`);
    expect(fake.gatewayUrl).toBe(`ws://127.0.0.1:${fake.port}`);
    expect(client.user?.id).toBe(fake.ids.bot);
    expect(client.guilds.cache.get(fake.ids.guild)?.name).toBe('G');
    expect(general().name).toBe('general');
    expect(client.channels.cache.get(fake.ids.second)?.type).toBe(ChannelType.GuildText);
    const thread = client.channels.cache.get(fake.ids.thread) as ThreadChannel;
    expect([thread.type, thread.parentId]).toEqual([ChannelType.PublicThread, fake.ids.general]);
    expect(client.guilds.cache.get(fake.ids.guild)?.members.cache.has(fake.ids.bot)).toBe(true);
  });

  test('heartbeats are acknowledged, so the shard stays on its session', async () => {
    await waitFor(() => fake.gateway.heartbeats >= 2, { timeoutMs: 3000, what: 'two heartbeats' });
    expect(fake.gateway.resumes).toEqual([]);
    expect(fake.liveSessions).toBe(1);
  });

  test('a wrong token is refused with 401 on REST, and discord.js reports TokenInvalid', async () => {
    const res = await fetch(`${fake.restUrl}/v10/users/@me`, { headers: { authorization: 'Bot wrong' } });
    expect([res.status, await res.json()]).toEqual([401, { message: '401: Unauthorized', code: 0 }]);
    const other = newClient();
    await expect(other.login('wrong')).rejects.toMatchObject({ code: 'TokenInvalid' });
    await other.destroy();
  });

  test('an unknown route answers 404 and says which routes exist', async () => {
    const res = await fetch(`${fake.restUrl}/v10/guilds/1/bans`, { headers: { authorization: `Bot ${fake.token}` } });
    expect([res.status, await res.json()]).toEqual([404, { message: '404: Not Found', code: 0 }]);
    expect(logs).toEqual([expect.stringContaining('no route GET /api/v10/guilds/1/bans; it serves GET /gateway')]);
  });
});

describe('receiving', () => {
  test('a guild message reaches messageCreate in its channel, with guild and author', async () => {
    const sent = fake.injectMessage({ text: 'hello bot' });
    const m = await fromUser(sent.id);
    expect([m.channelId, m.guildId, m.content, m.author.id, m.author.username]).toEqual([fake.ids.general, fake.ids.guild, 'hello bot', fake.ids.user, 'alice']);
    expect(m.inGuild()).toBe(true);
  });

  test('a message in the second channel and one mentioning the bot', async () => {
    const m = await fromUser(fake.injectMessage({ channel: 'second', text: 'hi', mentionBot: true, author: { id: '100000000000000077', username: 'bob' } }).id);
    expect([m.channelId, m.author.username, m.mentions.users.has(fake.ids.bot), m.content]).toEqual([fake.ids.second, 'bob', true, `<@${fake.ids.bot}> hi`]);
  });

  test('a thread message arrives in the thread, whose parent is the general channel', async () => {
    const m = await fromUser(fake.injectMessage({ channel: 'thread', text: 'in thread' }).id);
    expect(m.channel.isThread()).toBe(true);
    expect([m.channelId, (m.channel as ThreadChannel).parentId]).toEqual([fake.ids.thread, fake.ids.general]);
  });

  test('a message in a new thread is preceded by THREAD_CREATE, so discord.js knows the parent', async () => {
    const sent = fake.injectMessage({ newThread: 'topic', text: 'first in topic' });
    const m = await fromUser(sent.id);
    const thread = m.channel as ThreadChannel;
    expect([thread.isThread(), thread.name, thread.parentId]).toEqual([true, 'topic', fake.ids.general]);
    const order = dispatches.map((d) => d.t === 'THREAD_CREATE' ? `${d.t}:${d.id}` : d.id === sent.id ? 'MESSAGE' : '').filter(Boolean);
    expect(order.slice(-2)).toEqual([`THREAD_CREATE:${sent.channel_id}`, 'MESSAGE']);
  });

  test('a DM arrives through the Channel partial, and the reply goes to the DM channel', async () => {
    const sent = fake.injectMessage({ channel: 'dm', text: 'private hello' });
    expect(sent.channel_type).toBe(ChannelType.DM);
    const m = await fromUser(sent.id);
    expect([m.inGuild(), m.channel.type, m.content]).toEqual([false, ChannelType.DM, 'private hello']);
    await m.reply('private answer');
    const reply = await fake.waitForSent((s) => s.content === 'private answer');
    expect(reply.channelId).toBe(sent.channel_id);
    expect(reply.messageReference).toMatchObject({ message_id: sent.id });
    const fetched = await client.channels.fetch(sent.channel_id, { force: true });
    expect(fetched?.type).toBe(ChannelType.DM);
  });

  test('a user attachment is served from the fake CDN with its bytes', async () => {
    const data = Buffer.from('%PDF-1.4 fake pdf bytes');
    const m = await fromUser(fake.injectMessage({ text: 'see file', attachments: [{ data, fileName: 'report.pdf' }] }).id);
    const a = m.attachments.first()!;
    expect([a.name, a.contentType, a.size]).toEqual(['report.pdf', 'application/pdf', data.length]);
    expect(a.url.startsWith(`${fake.baseUrl}/attachments/`)).toBe(true);
    const res = await fetch(a.url);
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'application/pdf']);
    expect(Buffer.from(await res.arrayBuffer()).equals(data)).toBe(true);
    expect(fake.downloads).toHaveLength(1);
  });
});

describe('sending', () => {
  test('channel.send and message.reply are recorded, the reply with its message_reference', async () => {
    const sent = await general().send('hello from the bot');
    const m = await fromUser(fake.injectMessage({ text: 'question' }).id);
    const reply = await m.reply('answer');
    expect(fake.sent(fake.ids.general).map((s) => [s.id, s.content])).toEqual([
      [sent.id, 'hello from the bot'],
      [reply.id, 'answer'],
    ]);
    expect(fake.sent(fake.ids.general)[1].messageReference).toMatchObject({ message_id: m.id, fail_if_not_exists: true });
    expect([reply.reference?.messageId, reply.author.id]).toEqual([m.id, fake.ids.bot]);
    expect(fake.calls.map((c) => `${c.method} ${c.route} ${c.status}`)).toContain('POST /channels/:channel/messages 200');
  });

  test('over 2000 characters is refused with 50035, an empty message with 50006; neither is posted', async () => {
    const long = general().send('x'.repeat(2001));
    await expect(long).rejects.toBeInstanceOf(DiscordAPIError);
    await expect(long).rejects.toMatchObject({
      code: 50035,
      status: 400,
      rawError: { message: 'Invalid Form Body', errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } } },
    });
    await expect(general().send({ content: '' })).rejects.toMatchObject({ code: 50006, message: 'Cannot send an empty message' });
    await general().send('y'.repeat(2000));
    expect(fake.sent().map((s) => s.content.length)).toEqual([2000]);
  });

  test('a nonce with enforce_nonce posts once: the second create returns the first message', async () => {
    const first = await general().send({ content: 'once', nonce: 'chunk-1', enforceNonce: true });
    const again = await general().send({ content: 'once', nonce: 'chunk-1', enforceNonce: true });
    expect(again.id).toBe(first.id);
    expect(fake.sent()).toHaveLength(1);
    expect(fake.sent()[0]).toMatchObject({ nonce: 'chunk-1', enforceNonce: true });
  });

  test('a 500 after the message was posted is retried by discord.js, and the nonce keeps it single', async () => {
    fake.failNext(1, { status: 500, processFirst: true, match: 'POST /channels/:id/messages' });
    const m = await general().send({ content: 'ambiguous', nonce: 'chunk-2', enforceNonce: true });
    expect(fake.calls.map((c) => [c.status, c.injectedFault === true])).toEqual([
      [500, true],
      [200, false],
    ]);
    expect(fake.sent().map((s) => s.id)).toEqual([m.id]);
  });

  test('four 500s in a row exhaust discord.js retries and reach the caller', async () => {
    fake.failNext(4, { status: 500 });
    await expect(general().send('doomed')).rejects.toMatchObject({ status: 500 });
    expect(fake.calls).toHaveLength(4);
    expect(fake.sent()).toEqual([]);
  });

  test('a file upload arrives with its bytes, name and payload_json', async () => {
    const bytes = Buffer.from('hello file\n');
    const m = await general().send({ content: 'file', files: [{ attachment: bytes, name: 'a.txt' }] });
    const [s] = fake.sent();
    expect([s.content, s.attachments.length]).toEqual(['file', 1]);
    expect([s.attachments[0].filename, s.attachments[0].contentType, s.attachments[0].bytes.equals(bytes)]).toEqual(['a.txt', 'text/plain', true]);
    expect(fake.calls[0].body).toMatchObject({ payload_json: { content: 'file' }, files: [{ field: 'files[0]', filename: 'a.txt', size: bytes.length }] });
    const res = await fetch(m.attachments.first()!.url);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  test('typing is recorded per channel and answered 204', async () => {
    await general().sendTyping();
    await (client.channels.cache.get(fake.ids.thread) as ThreadChannel).sendTyping();
    expect(fake.typing.map((t) => t.channelId)).toEqual([fake.ids.general, fake.ids.thread]);
    expect(fake.calls.map((c) => c.status)).toEqual([204, 204]);
  });

  test('a 429 with retry_after is waited out and retried by discord.js, then succeeds', async () => {
    const limited: unknown[] = [];
    const onLimit = (info: unknown) => limited.push(info);
    client.rest.on(RESTEvents.RateLimited, onLimit);
    fake.failNext(1, { status: 429, retryAfter: 0.3 });
    const started = Date.now();
    const m = await general().send('after the limit');
    client.rest.off(RESTEvents.RateLimited, onLimit);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(fake.calls.map((c) => c.status)).toEqual([429, 200]);
    expect(fake.sent().map((s) => s.id)).toEqual([m.id]);
    expect(limited).toEqual([expect.objectContaining({ retryAfter: expect.any(Number), global: false })]);
  });

  test('a global 429 answers as Discord does and is also retried', async () => {
    fake.failNext(1, { status: 429, retryAfter: 0.1, global: true });
    await general().send('after the global limit');
    const res = await fetch(`${fake.restUrl}/v10/users/@me`, { headers: { authorization: `Bot ${fake.token}` } });
    expect(res.status).toBe(200);
    expect(fake.calls.map((c) => c.status)).toEqual([429, 200, 200]);
  });

  test('the rate-limit answer carries Discord body and headers', async () => {
    fake.failNext(1, { status: 429, retryAfter: 2.5 });
    const res = await fetch(`${fake.restUrl}/v10/users/@me`, { headers: { authorization: `Bot ${fake.token}` } });
    expect([res.status, await res.json()]).toEqual([429, { message: 'You are being rate limited.', retry_after: 2.5, global: false }]);
    expect([res.headers.get('retry-after'), res.headers.get('x-ratelimit-remaining'), res.headers.get('x-ratelimit-reset-after')]).toEqual(['2.5', '0', '2.500']);
  });

  test('a DM opened by the bot and a thread it starts are real channels that accept messages', async () => {
    const dm = await client.users.createDM(fake.ids.user);
    await dm.send('dm from bot');
    const root = await general().send('thread root');
    const thread = await root.startThread({ name: 'bot topic' });
    expect([thread.id, thread.parentId]).toEqual([root.id, fake.ids.general]);
    await thread.send('in bot thread');
    expect(fake.sent().map((s) => [s.channelId, s.content])).toEqual([
      [dm.id, 'dm from bot'],
      [fake.ids.general, 'thread root'],
      [thread.id, 'in bot thread'],
    ]);
    const m = await fromUser(fake.injectMessage({ channelId: thread.id, text: 'user in bot thread' }).id);
    expect((m.channel as ThreadChannel).parentId).toBe(fake.ids.general);
  });
});

describe('reconnecting', () => {
  test('after a dropped connection discord.js RESUMEs, and a message sent meanwhile arrives exactly once', async () => {
    const resumed = shardResumed();
    fake.dropConnection();
    const missed = fake.injectMessage({ text: 'while you were away' });
    await resumed;
    expect(fake.gateway.identifies).toEqual([]);
    expect(fake.gateway.resumes).toEqual([expect.objectContaining({ outcome: 'resumed', replayed: 1 })]);
    expect(fake.gateway.closes).toContain(1006);
    await fromUser(missed.id);
    // A message after the resume proves the replay is over before counting the missed one.
    await fromUser(fake.injectMessage({ text: 'after resume' }).id);
    expect(dispatches.filter((d) => d.t === 'MESSAGE_CREATE' && d.id === missed.id)).toHaveLength(1);
  });

  test('op 7 RECONNECT makes discord.js resume too', async () => {
    const resumed = shardResumed();
    fake.requestReconnect();
    await resumed;
    expect([fake.gateway.identifies.length, fake.gateway.resumes.length]).toEqual([0, 1]);
  });

  test('an invalidated session makes discord.js identify again, and messages keep coming', async () => {
    fake.invalidateSession();
    await waitFor(() => fake.gateway.identifies.length === 1 && fake.liveSessions === 1, { timeoutMs: 5000, what: 'a new IDENTIFY' });
    expect(fake.gateway.resumes).toEqual([]);
    await fromUser(fake.injectMessage({ text: 'new session' }).id);
  });

  test('restart() comes back on the same port with state kept, and discord.js resumes', async () => {
    const port = fake.port;
    const resumed = shardResumed();
    await fake.restart();
    expect(fake.port).toBe(port);
    const missed = fake.injectMessage({ text: 'during restart' });
    await resumed;
    expect(fake.gateway.resumes).toEqual([expect.objectContaining({ outcome: 'resumed' })]);
    await fromUser(missed.id);
    const m = await fromUser(fake.injectMessage({ channel: 'thread', text: 'after restart' }).id);
    await m.reply('still here');
    await fake.waitForSent((s) => s.content === 'still here' && s.channelId === fake.ids.thread);
  });

  test('waitForSent fails with what was sent so far', async () => {
    await general().send('something else');
    await expect(fake.waitForSent((s) => s.content === 'never', { timeoutMs: 100 })).rejects.toThrow(/timed out after 100 ms.*sent so far: 300000000000000001: "something else"/);
  });
});

describe('the gateway protocol, spoken by hand', () => {
  type Frame = { op: number; d: unknown; s: number | null; t: string | null };

  async function open(query = '?v=10&encoding=json'): Promise<{ ws: WebSocket; frames: Frame[] }> {
    const ws = new WebSocket(`${fake.gatewayUrl}${query}`);
    const frames: Frame[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Frame));
    await once(ws, 'open');
    await waitFor(() => frames.length > 0, { timeoutMs: 2000, what: 'HELLO' });
    return { ws, frames };
  }

  test('HELLO carries the interval, a heartbeat is ACKed, an unknown RESUME gets INVALID_SESSION(false)', async () => {
    const { ws, frames } = await open();
    expect(frames[0]).toEqual({ op: 10, d: { heartbeat_interval: 400 }, s: null, t: null });
    ws.send(JSON.stringify({ op: 1, d: null }));
    await waitFor(() => frames.find((f) => f.op === 11), { timeoutMs: 2000, what: 'HEARTBEAT_ACK' });
    ws.send(JSON.stringify({ op: 6, d: { token: fake.token, session_id: 'nope', seq: 3 } }));
    await waitFor(() => frames.find((f) => f.op === 9), { timeoutMs: 2000, what: 'INVALID_SESSION' });
    expect(frames.find((f) => f.op === 9)?.d).toBe(false);
    expect(fake.gateway.resumes).toEqual([expect.objectContaining({ sessionId: 'nope', outcome: 'invalid' })]);
    ws.close();
  });

  test('IDENTIFY with a wrong token closes with 4004; a payload before IDENTIFY closes with 4003', async () => {
    const a = await open();
    const closedA = once(a.ws, 'close');
    a.ws.send(JSON.stringify({ op: 2, d: { token: 'wrong', intents: 0, properties: {} } }));
    expect((await closedA)[0]).toBe(4004);
    const b = await open();
    const closedB = once(b.ws, 'close');
    b.ws.send(JSON.stringify({ op: 3, d: {} }));
    expect((await closedB)[0]).toBe(4003);
  });

  test('without the MessageContent intent a guild message arrives with its content blanked, as on Discord', async () => {
    const { ws, frames } = await open();
    ws.send(JSON.stringify({ op: 2, d: { token: fake.token, intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages, properties: {} } }));
    await waitFor(() => frames.find((f) => f.t === 'GUILD_CREATE'), { timeoutMs: 2000, what: 'GUILD_CREATE' });
    const plain = fake.injectMessage({ text: 'secret words' });
    const mention = fake.injectMessage({ text: 'for the bot', mentionBot: true });
    const contents = await waitFor(() => {
      const got = frames.filter((f) => f.t === 'MESSAGE_CREATE').map((f) => f.d as { id: string; content: string });
      return got.length >= 2 && got.map((m) => [m.id, m.content]);
    }, { timeoutMs: 2000, what: 'two MESSAGE_CREATE' });
    expect(contents).toEqual([[plain.id, ''], [mention.id, `<@${fake.ids.bot}> for the bot`]]);
    ws.close();
  });

  test('a compressed connection is refused loudly; the fake sends plain JSON only', async () => {
    const ws = new WebSocket(`${fake.gatewayUrl}?v=10&encoding=json&compress=zlib-stream`);
    ws.on('error', () => undefined);
    const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(res.statusCode).toBe(400);
    expect(logs).toEqual([expect.stringContaining('compress=zlib-stream')]);
    ws.terminate();
  });
});

describe('bounded memory', () => {
  test('records keep the newest entries past their cap', () => {
    const records = new Recorder();
    for (let i = 0; i < 10_001; i++) records.typed({ channelId: String(i), at: i });
    expect(records.typing.length).toBeLessThanOrEqual(10_000);
    expect(records.typing.at(-1)?.channelId).toBe('10000');
  });

  test('a session keeps a bounded backlog and refuses a RESUME from before it', () => {
    const session = new GatewaySession('s', 0);
    for (let i = 0; i < 1001; i++) session.dispatch('MESSAGE_CREATE', { i });
    expect(session.after(0)).toBeUndefined();
    expect(session.after(1)).toHaveLength(1000);
    expect(session.after(1000)?.map((f) => f.s)).toEqual([1001]);
  });
});
