// The Telegram adapter with the real grammY against the test kit's fake Bot API, in one process:
// what the e2e suite cannot reach quickly (the watchdog's timings, 409s, refused formatting).
import { createLogger, type Platform } from '@cliver/common';
import { startFakeTelegram, waitFor, FAKE_TELEGRAM_IDS, type FakeTelegram } from '@cliver/testkit';
import type { AdapterContext, AdapterState, IncomingMessage } from '../../platform';
import { TelegramAdapter } from './telegram-adapter';

const TOKEN = '5555:adapter-int';
const log = createLogger({ service: 'test', level: 'silent' });

let tg: FakeTelegram;
let adapter: TelegramAdapter;
let received: IncomingMessage[];
let states: Array<{ state: AdapterState; error?: string }>;
let refuseNext: number;

function context(config: Partial<Platform> = {}): AdapterContext {
  return {
    name: 'tg',
    config: { type: 'telegram', token: TOKEN, api_root: tg.apiRoot, allowed_users: [], require_mention: false, ...config } as Platform,
    log,
    receive: async (m) => {
      if (refuseNext > 0) {
        refuseNext--;
        throw new Error('agent-core is away');
      }
      received.push(m);
    },
    setState: (state, error) => states.push({ state, error }),
    markAlive: () => undefined,
    recentConversations: async () => [],
  };
}

const lastState = () => states.at(-1);

beforeEach(async () => {
  tg = await startFakeTelegram({ token: TOKEN });
  received = [];
  states = [];
  refuseNext = 0;
  adapter = new TelegramAdapter({ pollTimeoutS: 1, stallMarginMs: 500, retry: { baseMs: 50, maxMs: 200 } });
});

afterEach(async () => {
  await adapter.stop();
  await tg.close();
});

async function started(): Promise<void> {
  await adapter.start(context());
  await waitFor(() => lastState()?.state === 'connected', { what: 'connected' });
}

it('is connected as soon as the Bot API answers, without waiting for a long poll to end', async () => {
  const slow = new TelegramAdapter({ pollTimeoutS: 25, stallMarginMs: 15_000, retry: { baseMs: 50, maxMs: 200 } });
  const began = Date.now();
  await slow.start(context());
  await waitFor(() => lastState()?.state === 'connected', { timeoutMs: 5000, what: 'connected' });
  expect(Date.now() - began).toBeLessThan(5000);
  await slow.stop();
});

it('turns a DM, a topic message, a photo, a document and a voice note into messages with their files', async () => {
  await started();
  const photo = Buffer.from('fake-jpeg-bytes');
  tg.injectMessage({ chat: 'dm', text: 'plain' });
  tg.injectMessage({ chat: 'topic', text: 'in a topic' });
  tg.injectMessage({ chat: 'dm', caption: 'look', photo });
  tg.injectMessage({ chat: 'dm', document: { data: Buffer.from('a,b\n1,2\n'), fileName: 'data.csv', mimeType: 'text/csv' } });
  tg.injectMessage({ chat: 'dm', voice: { data: Buffer.from('OggS-voice'), mimeType: 'audio/ogg' } });
  await waitFor(() => received.length === 5 || undefined, { what: 'five messages' });
  const [plain, topic, image, doc, voice] = received;
  expect(plain).toMatchObject({ text: 'plain', isGroup: false, mentionsBot: true, address: { channelId: String(FAKE_TELEGRAM_IDS.dmChatId), threadId: '' } });
  expect(topic).toMatchObject({ isGroup: true, address: { channelId: String(FAKE_TELEGRAM_IDS.forumChatId), threadId: String(FAKE_TELEGRAM_IDS.topicThreadId) } });
  expect(image!.text).toBe('look');
  expect(image!.files).toEqual([expect.objectContaining({ kind: 'image', mimeType: 'image/jpeg' })]);
  expect(Buffer.from(image!.files[0]!.data).equals(photo)).toBe(true);
  expect(doc!.files[0]).toMatchObject({ kind: 'file', fileName: 'data.csv', mimeType: 'text/csv' });
  expect(Buffer.from(doc!.files[0]!.data).toString()).toBe('a,b\n1,2\n');
  expect(voice!.files[0]).toMatchObject({ kind: 'voice', mimeType: 'audio/ogg' });
});

it('acknowledges an update only once it was recorded: a refused one is delivered again, in order', async () => {
  refuseNext = 2;
  await started();
  tg.injectMessage({ chat: 'dm', text: 'first' });
  tg.injectMessage({ chat: 'dm', text: 'second' });
  await waitFor(() => received.length === 2 || undefined, { what: 'both messages after the retries' });
  expect(received.map((m) => m.text)).toEqual(['first', 'second']);
});

it('reconnects a poll that stalls with the socket open, and reports it meanwhile', async () => {
  await started();
  tg.stallPolls(true);
  await waitFor(() => states.some((s) => s.state === 'error' && /the poll stalled/.test(s.error ?? '')), { what: 'the stall to be reported' });
  tg.stallPolls(false);
  tg.injectMessage({ chat: 'dm', text: 'after the stall' });
  await waitFor(() => received.find((m) => m.text === 'after the stall'), { what: 'the message after the stall' });
  expect(lastState()?.state).toBe('connected');
});

it('reports a second poller on the same token as a 409 conflict, not a crash', async () => {
  await started();
  tg.failNext(3, { status: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' }, 'getUpdates');
  await waitFor(() => states.find((s) => s.state === 'error' && /^Conflict: another program is polling this bot token/.test(s.error ?? '')), { what: 'the conflict in the state' });
  await waitFor(() => lastState()?.state === 'connected', { what: 'connected again once the other poller is gone' });
});

it('sends formatted text as entities, in the topic, replying to the message', async () => {
  await started();
  const [chunk] = adapter.render('**Hello** `code`');
  const id = await adapter.sendChunk({ channelId: String(FAKE_TELEGRAM_IDS.forumChatId), threadId: String(FAKE_TELEGRAM_IDS.topicThreadId) }, chunk!, { idempotencyKey: '1:0' });
  const sent = tg.sent(FAKE_TELEGRAM_IDS.forumChatId).find((m) => String(m.message_id) === id)!;
  expect(sent.text).toBe('Hello code');
  expect(sent.message_thread_id).toBe(FAKE_TELEGRAM_IDS.topicThreadId);
  expect(sent.entities).toEqual([{ type: 'bold', offset: 0, length: 5 }, { type: 'code', offset: 6, length: 4 }]);
});

it('falls back to plain text when Telegram refuses the formatting, and counts it', async () => {
  await started();
  const to = { channelId: String(FAKE_TELEGRAM_IDS.dmChatId), threadId: '' };
  // Entities past the end of the text: Telegram refuses them ("can't parse entities").
  const id = await adapter.sendChunk(to, { text: 'short', entities: [{ type: 'bold', offset: 2, length: 40 }] as never }, { idempotencyKey: '2:0' });
  const sent = tg.sent(FAKE_TELEGRAM_IDS.dmChatId).find((m) => String(m.message_id) === id)!;
  expect(sent.text).toBe('short');
  expect(sent.entities ?? []).toEqual([]);
  expect(adapter.formattingFallbacks).toBe(1);
});

it('sends a file as a document into the thread', async () => {
  await started();
  const to = { channelId: String(FAKE_TELEGRAM_IDS.forumChatId), threadId: String(FAKE_TELEGRAM_IDS.topicThreadId) };
  const data = new TextEncoder().encode('report body');
  await adapter.sendFile(to, { kind: 'file', fileName: 'report.txt', mimeType: 'text/plain', data }, { idempotencyKey: '3:1' });
  const sent = tg.sent(FAKE_TELEGRAM_IDS.forumChatId).at(-1)!;
  expect(sent.method).toBe('sendDocument');
  expect(sent.message_thread_id).toBe(FAKE_TELEGRAM_IDS.topicThreadId);
  expect(sent.document).toMatchObject({ file_name: 'report.txt' });
});

it('sorts send failures: 429 with its retry_after, 400 permanent, and no token in any message', async () => {
  await started();
  const to = { channelId: String(FAKE_TELEGRAM_IDS.dmChatId), threadId: '' };
  const [chunk] = adapter.render('hi');
  tg.failNext(1, { status: 429, retryAfter: 120 }, 'sendMessage');
  const limited = await adapter.sendChunk(to, chunk!, { idempotencyKey: '4:0' }).then(() => undefined, (e: unknown) => e);
  expect(limited).toMatchObject({ name: 'DeliveryError', permanent: false, retryAfterMs: 120_000 });
  const refused = await adapter.sendChunk({ channelId: '123456789', threadId: '' }, chunk!, { idempotencyKey: '4:1' }).then(() => undefined, (e: unknown) => e);
  expect(refused).toMatchObject({ name: 'DeliveryError', permanent: true });
  expect((refused as Error).message).toMatch(/chat not found/);
  await tg.close();
  const unreachable = await adapter.sendChunk(to, chunk!, { idempotencyKey: '4:2' }).then(() => undefined, (e: unknown) => e);
  expect(unreachable).toMatchObject({ name: 'DeliveryError', permanent: false });
  for (const e of [limited, refused, unreachable]) expect(JSON.stringify({ m: (e as Error).message, c: String((e as Error).cause ?? '') })).not.toContain(TOKEN);
  tg = await startFakeTelegram({ token: TOKEN });
});
