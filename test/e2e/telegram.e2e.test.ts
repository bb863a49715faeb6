// Telegram end to end: the real grammY inside a real adapter-host process, against the test kit's
// fake Bot API, with a real agent-core (SQLite, fake LLM) and gateway-api for /health. What a user
// judges a bot by: it answers, in the right thread, exactly once, and nothing is lost on a crash.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, killStartedProcesses, makeTempHome, startFakeLlm, startFakeTelegram, startServiceProcess, waitFor, FAKE_TELEGRAM_IDS, type FakeLlm, type FakeTelegram, type ManagedProcess, type TempHome } from '@cliver/testkit';

jest.setTimeout(120_000);

const TOKEN = '123456:telegram-e2e-secret';
const LOCKED_TOKEN = '777777:locked-bot-secret';
const { dmChatId, groupChatId, forumChatId, topicThreadId } = FAKE_TELEGRAM_IDS;

let llm: FakeLlm;
let tg: FakeTelegram;
let locked: FakeTelegram;
let home: TempHome;
let core: ManagedProcess;
let adapters: ManagedProcess;

const texts = (chatId: number, threadId?: number) =>
  tg.sent().filter((m) => m.chat_id === chatId && (threadId === undefined || m.message_thread_id === threadId)).map((m) => m.text);

/** The bot's messages in a chat whose text includes `marker`, once there are `n` of them. */
function replies(fake: FakeTelegram, chatId: number, marker: string, n = 1) {
  return waitFor(() => {
    const found = fake.sent().filter((m) => m.chat_id === chatId && (m.text ?? '').includes(marker));
    return found.length >= n ? found : undefined;
  }, { timeoutMs: 30_000, what: `${n} bot message(s) with "${marker}" in chat ${chatId}` });
}

async function health(): Promise<{ adapters: Array<{ name: string; state: string; error: string }> }> {
  const res = await fetch(`${home.url}/health`);
  return (await res.json()) as never;
}

function startAdapterHost(): ManagedProcess {
  return startServiceProcess(home, 'adapter-host');
}

beforeAll(async () => {
  llm = await startFakeLlm();
  tg = await startFakeTelegram({ token: TOKEN });
  locked = await startFakeTelegram({ token: LOCKED_TOKEN });
  home = await makeTempHome({
    gateway: {
      lease_ttl_seconds: 3,
      platforms: {
        tg: { type: 'telegram', token: TOKEN, api_root: tg.apiRoot },
        // Only user 7 may talk to this one; Alice (42) is refused.
        locked: { type: 'telegram', token: LOCKED_TOKEN, api_root: locked.apiRoot, allowed_users: ['7'] },
        // Nothing answers here: it must show `error` while the others work.
        down: { type: 'telegram', token: '1:down', api_root: `http://127.0.0.1:${await freePort()}` },
      },
    },
    top: {
      default_model: 'fake/gpt-test',
      providers: { fake: { type: 'openai', api_url: llm.openaiBaseUrl, api_key: 'k', models: ['gpt-test'], audio_model: 'whisper-1' } },
    },
  });
  core = startServiceProcess(home, 'agent-core');
  startServiceProcess(home, 'gateway-api');
  adapters = startAdapterHost();
  await waitFor(async () => (await health()).adapters.find((a) => a.name === 'tg')?.state === 'connected', { timeoutMs: 30_000, what: 'the tg adapter to connect' });
});

afterAll(async () => {
  await killStartedProcesses();
  await Promise.all([tg?.close(), locked?.close(), llm?.close()]);
  home?.remove();
});

describe('a Telegram bot', () => {
  it('answers a DM once, replying to the message', async () => {
    const update = tg.injectMessage({ chat: 'dm', text: 'hello bot' });
    const [reply] = await replies(tg, dmChatId, 'echo: hello bot');
    expect(reply!.reply_to_message_id).toBe(update.message!.message_id);
    expect(reply!.message_thread_id).toBeUndefined();
  });

  it('answers a group message in the group', async () => {
    tg.injectMessage({ chat: 'group', text: 'hello group' });
    await replies(tg, groupChatId, 'echo: hello group');
  });

  it('answers a forum topic message in the same topic', async () => {
    tg.injectMessage({ chat: 'topic', text: 'hello topic' });
    const [reply] = await replies(tg, forumChatId, 'echo: hello topic');
    expect(reply!.message_thread_id).toBe(topicThreadId);
  });

  it('keeps each topic its own conversation', async () => {
    tg.injectMessage({ chat: 'topic', threadId: 77, text: 'other topic' });
    const [reply] = await replies(tg, forumChatId, 'echo: other topic');
    expect(reply!.message_thread_id).toBe(77);
  });

  it('gives a sender not in allowed_users no reply, and answers an allowed one', async () => {
    locked.injectMessage({ chat: 'dm', text: 'let me in' });
    locked.injectMessage({ chat: 'dm', from: { id: 7, first_name: 'Bob' }, text: 'I am allowed' });
    await replies(locked, 7, 'echo: I am allowed');
    // The refused message came first: had it been answered, its reply would be there by now.
    expect(locked.sent().map((m) => m.text)).toEqual(['echo: I am allowed']);
    await waitFor(() => adapters.logs().find((l) => l.msg === 'Telegram message ignored: user 42 not in allowed list'), { what: 'the allowlist log line' });
  });

  it('answers a replayed update once', async () => {
    const update = tg.injectMessage({ chat: 'dm', text: 'say it once' });
    await replies(tg, dmChatId, 'echo: say it once');
    tg.replayUpdate(update.update_id);
    // A message after the replay: once it is answered, the replay has been seen too.
    tg.injectMessage({ chat: 'dm', text: 'after the replay' });
    await replies(tg, dmChatId, 'echo: after the replay');
    expect(texts(dmChatId).filter((t) => t === 'echo: say it once')).toHaveLength(1);
  });

  it('answers three messages sent while a turn runs, one by one, in order', async () => {
    llm.script({ match: { lastUserIncludes: 'slow first' }, reply: { text: 'first answer', firstTokenDelayMs: 1500 } });
    tg.injectMessage({ chat: 'group', text: 'slow first' });
    await waitFor(() => llm.requests.some((r) => JSON.stringify(r.body).includes('slow first')), { what: 'the first turn to reach the model' });
    for (const n of ['two', 'three', 'four']) tg.injectMessage({ chat: 'group', text: `queued ${n}` });
    await replies(tg, groupChatId, 'echo: queued four');
    const order = texts(groupChatId).filter((t) => t === 'first answer' || t?.startsWith('echo: queued'));
    expect(order).toEqual(['first answer', 'echo: queued two', 'echo: queued three', 'echo: queued four']);
  });

  it('shows typing at once and every ~4 s while a turn runs, and stops once it answered', async () => {
    const before = tg.actions.length;
    llm.script({ match: { lastUserIncludes: 'think hard' }, reply: { text: 'thought', firstTokenDelayMs: 4800 } });
    const injected = Date.now();
    tg.injectMessage({ chat: 'dm', text: 'think hard' });
    const [reply] = await replies(tg, dmChatId, 'thought');
    const typing = tg.actions.slice(before).filter((a) => a.chat_id === dmChatId && a.action === 'typing');
    expect(typing.length).toBe(2);
    expect(typing[0]!.at - injected).toBeLessThan(1000);
    expect(typing[1]!.at - typing[0]!.at).toBeGreaterThanOrEqual(3500);
    expect(typing[1]!.at - typing[0]!.at).toBeLessThan(4600);
    expect(typing.every((a) => a.at <= reply!.at)).toBe(true);
  });

  it('splits a 5,000-character reply with code and MarkdownV2 specials into valid chunks, in order', async () => {
    const code = Array.from({ length: 80 }, (_, i) => `const v${i} = [${i}, "a_b*c"]; // (${i}) !#+-=|{}.`).join('\n');
    const prose = Array.from({ length: 30 }, (_, i) => `Paragraph ${i}: **bold** _under_ [link](https://example.com/${i}) 1.5 + 2 = 3.5!`).join('\n\n');
    const long = `${prose}\n\n\`\`\`ts\n${code}\n\`\`\`\n\nThe end.`;
    expect(long.length).toBeGreaterThan(5000);
    llm.script({ match: { lastUserIncludes: 'long one' }, reply: { text: long } });
    const before = tg.sent(dmChatId).length;
    tg.injectMessage({ chat: 'dm', text: 'long one' });
    await replies(tg, dmChatId, 'The end.');
    const mine = tg.sent(dmChatId).slice(before);
    expect(mine.length).toBeGreaterThan(1);
    expect(mine[0]!.text).toMatch(/^Paragraph 0: bold under link 1\.5/);
    expect(mine.at(-1)!.text).toMatch(/The end\.$/);
    for (const m of mine) expect(m.text!.length).toBeLessThanOrEqual(4096);
    const joined = mine.map((m) => m.text).join('\n');
    for (let i = 0; i < 30; i++) expect(joined.split(`Paragraph ${i}: `)).toHaveLength(2);
    for (let i = 0; i < 80; i++) expect(joined.split(`const v${i} = [${i}, "a_b*c"]; // (${i}) !#+-=|{}.`)).toHaveLength(2);
    // Formatting arrives as entities, not as stray markup; code stays code in every chunk that holds it.
    expect(mine[0]!.entities?.some((e) => e.type === 'bold')).toBe(true);
    for (const m of mine.filter((c) => c.text!.includes('const v'))) expect(m.entities?.some((e) => e.type === 'pre')).toBe(true);
  });

  it('passes a photo to the model and a document by its path on the data volume', async () => {
    tg.injectMessage({ chat: 'dm', caption: 'what is on it', photo: Buffer.from('jpeg-bytes') });
    await replies(tg, dmChatId, 'what is on it');
    tg.injectMessage({ chat: 'dm', caption: 'read this', document: { data: Buffer.from('a,b\n1,2\n'), fileName: 'data.csv', mimeType: 'text/csv' } });
    const [reply] = await replies(tg, dmChatId, 'read this');
    expect(reply!.text).toMatch(/\[file received: data\.csv \(text\/csv, 8 bytes\), saved at \/.*data\.csv\]/);
    const photoTurn = llm.requests.filter((r) => r.api === 'openai').map((r) => JSON.stringify(r.body)).find((b) => b.includes('what is on it'))!;
    expect(photoTurn).toMatch(/image_url|image received/);
  });

  it('transcribes a voice note and puts the transcript before the text', async () => {
    llm.script({ match: { api: 'transcription' }, reply: { text: 'remind me to water the plants' } });
    tg.injectMessage({ chat: 'dm', voice: { data: Buffer.from('OggS-fake-voice'), mimeType: 'audio/ogg' } });
    await replies(tg, dmChatId, '[voice message transcript] remind me to water the plants');
    const upload = llm.requests.find((r) => r.api === 'transcription')!;
    expect(JSON.stringify(upload.body)).toContain('whisper-1');
  });

  it('sends a file the agent attached with SendFile, after the text, into the same chat', async () => {
    mkdirSync(join(home.dir, 'CLIver', 'files'), { recursive: true });
    writeFileSync(join(home.dir, 'CLIver', 'files', 'report.csv'), 'day,cups\nmon,3\n');
    llm.script({ match: { lastUserIncludes: 'send the report' }, reply: { toolCalls: [{ name: 'SendFile', arguments: { path: 'report.csv' } }] } });
    llm.script({ match: { lastUserIncludes: 'send the report' }, reply: { text: 'Here is the report.' } });
    tg.injectMessage({ chat: 'topic', text: 'send the report' });
    const doc = await tg.waitForSent((m) => m.method === 'sendDocument' && m.chat_id === forumChatId, { timeoutMs: 30_000 });
    expect(doc.document).toMatchObject({ file_name: 'report.csv' });
    expect(doc.message_thread_id).toBe(topicThreadId);
    const inTopic = tg.sent(forumChatId, topicThreadId);
    const text = inTopic.findIndex((m) => m.text === 'Here is the report.');
    expect(text).toBeGreaterThanOrEqual(0);
    expect(inTopic.indexOf(doc)).toBe(text + 1);
  });

  it('posts one complete reply when the connection drops under a chunk before Telegram took it', async () => {
    const parts = Array.from({ length: 2 }, (_, i) => `Dropped part ${i} ${'y'.repeat(3000)}`).join('\n\n');
    llm.script({ match: { lastUserIncludes: 'drop under me' }, reply: { text: parts } });
    tg.failNext(1, { drop: 'before' }, 'sendMessage');
    tg.injectMessage({ chat: 'dm', text: 'drop under me' });
    await replies(tg, dmChatId, 'Dropped part 1');
    for (const part of ['Dropped part 0', 'Dropped part 1']) expect(texts(dmChatId).filter((t) => t?.startsWith(part))).toHaveLength(1);
    expect(tg.sent(dmChatId).filter((m) => m.text?.startsWith('Dropped part')).map((m) => m.text!.slice(0, 14))).toEqual(['Dropped part 0', 'Dropped part 1']);
  });

  it('honours a 429 retry_after and posts the reply once', async () => {
    tg.failNext(1, { status: 429, retryAfter: 1 }, 'sendMessage');
    const started = Date.now();
    tg.injectMessage({ chat: 'dm', text: 'rate limited' });
    await replies(tg, dmChatId, 'echo: rate limited');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(texts(dmChatId).filter((t) => t === 'echo: rate limited')).toHaveLength(1);
  });

  it('shows an unreachable platform as error in /health while the others work', async () => {
    const h = await waitFor(async () => {
      const x = await health();
      return x.adapters.find((a) => a.name === 'down')?.state === 'error' ? x : undefined;
    }, { what: 'the down adapter to show error' });
    expect(h.adapters.find((a) => a.name === 'down')!.error).toMatch(/^cannot reach the Telegram Bot API: .*ECONNREFUSED/);
    expect(JSON.stringify(h)).not.toContain('1:down');
    expect(h.adapters.find((a) => a.name === 'tg')!.state).toBe('connected');
  });
});

describe('crashes', () => {
  it('answers a message whose turn agent-core was killed in, once, after agent-core restarts', async () => {
    llm.script({ match: { lastUserIncludes: 'survive the crash' }, reply: { hang: true } });
    tg.injectMessage({ chat: 'dm', text: 'survive the crash' });
    await waitFor(() => llm.requests.some((r) => JSON.stringify(r.body).includes('survive the crash')), { what: 'the turn to reach the model' });
    core.kill('SIGKILL');
    await core.waitForExit();
    core = startServiceProcess(home, 'agent-core');
    await replies(tg, dmChatId, 'echo: survive the crash');
    expect(texts(dmChatId).filter((t) => t === 'echo: survive the crash')).toHaveLength(1);
  });

  it('records messages sent while agent-core is down, once it is back', async () => {
    core.kill('SIGKILL');
    await core.waitForExit();
    tg.injectMessage({ chat: 'dm', text: 'while core was down' });
    core = startServiceProcess(home, 'agent-core');
    await replies(tg, dmChatId, 'echo: while core was down');
    expect(texts(dmChatId).filter((t) => t === 'echo: while core was down')).toHaveLength(1);
  });

  it('completes a reply whose delivery adapter-host was killed in, without a duplicate chunk', async () => {
    const paragraphs = Array.from({ length: 3 }, (_, i) => `Part ${i} ${'x'.repeat(3000)}`).join('\n\n');
    llm.script({ match: { lastUserIncludes: 'three parts' }, reply: { text: paragraphs } });
    // The second chunk is held by the fake (never posted) while adapter-host dies.
    tg.holdNext('sendMessage', { skip: 1, count: 1 });
    tg.injectMessage({ chat: 'dm', text: 'three parts' });
    await waitFor(() => tg.held().length > 0, { what: 'the second chunk to be held' });
    adapters.kill('SIGKILL');
    await adapters.waitForExit();
    // The held request dies with its connection, unposted (a send that did reach Telegram before
    // the crash would be posted again: the Bot API has no idempotency key).
    await waitFor(() => tg.held().length === 0 || undefined, { what: 'the held chunk to be dropped with its connection' });
    tg.release();
    adapters = startAdapterHost();
    await replies(tg, dmChatId, 'Part 2');
    for (const part of ['Part 0', 'Part 1', 'Part 2']) expect(texts(dmChatId).filter((t) => t?.startsWith(part))).toHaveLength(1);
  });

  it('lets a standby adapter-host take over when the leader dies, losing nothing', async () => {
    const standby = startServiceProcess(home, 'adapter-host', ['--listen', `127.0.0.1:${await freePort()}`]);
    await waitFor(() => standby.logs().find((l) => l.msg === 'adapter-host ready; waiting for its lease'), { what: 'the standby to wait for the lease' });
    adapters.kill('SIGKILL');
    await adapters.waitForExit();
    tg.injectMessage({ chat: 'dm', text: 'to the standby' });
    await replies(tg, dmChatId, 'echo: to the standby');
    expect(texts(dmChatId).filter((t) => t === 'echo: to the standby')).toHaveLength(1);
    adapters = standby;
  });
});
