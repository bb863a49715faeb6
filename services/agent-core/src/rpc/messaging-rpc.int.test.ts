import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  agentCoreClients,
  call,
  closeClients,
  Config,
  createLogger,
  fromGrpcError,
  startGrpcServer,
  type AgentCoreClients,
  type AppError,
  type Fence,
  type InboundMessage,
  type LeaseHolder,
  type RunningGrpcServer,
  type StreamOutboxResponse,
} from '@cliver/common';
import { rejectedAppError, startFakeLlm, waitFor, type FakeLlm } from '@cliver/testkit';
import { Agent } from '../agent/agent';
import { TurnRegistry } from '../agent/turn-registry';
import { TurnSessions } from '../agent/turn-sessions';
import { buildMessaging, type Messaging } from '../messaging/build-messaging';
import { ModelCatalog } from '../providers/model-catalog';
import { ProviderRegistry } from '../providers/provider-registry';
import { SessionRepo } from '../sessions/session-repo';
import { openStore } from '../store/db';
import { LeaseRepo } from '../store/lease-repo';
import { ADAPTER_HOST_LEASE } from './core-rpc';

// MessagingService over real gRPC (internal key on), wired by buildMessaging as main.ts does,
// with the real agent behind the kit's fake LLM.
const log = createLogger({ service: 'test', level: 'silent' });
const KEY = 'm'.repeat(43);
const TTL_MS = 60_000;
const holder = (id: string): LeaseHolder => ({ id, host: 'box', pid: 1, startedAtMs: 0, service: 'adapter-host' });
const FENCE: Fence = { holderId: 'ah-1', token: 1 };

let fake: FakeLlm;
let dir: string;
let db: ReturnType<typeof openStore>['db'];
let leases: LeaseRepo;
let messaging: Messaging;
let server: RunningGrpcServer;
let clients: AgentCoreClients;
let skewMs: number;
const streams: Array<{ cancel(): void }> = [];

beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());

beforeEach(async () => {
  fake.reset();
  skewMs = 0;
  const now = () => Date.now() + skewMs;
  dir = mkdtempSync(join(tmpdir(), 'cliver-messaging-rpc-'));
  const store = openStore(join(dir, 'gateway.db'));
  db = store.db;
  leases = new LeaseRepo(db, () => false);
  expect(leases.acquire(ADAPTER_HOST_LEASE, holder('ah-1'), TTL_MS, now()).lease.token).toBe(1);
  const config = Config.parse({ providers: { fake: { type: 'openai', api_url: fake.openaiBaseUrl, api_key: 'k', models: ['gpt-4o'] } } });
  const catalog = new ModelCatalog(config);
  const providers = new ProviderRegistry({ timeoutMs: 10_000, retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 100 } });
  const sessions = new SessionRepo(db);
  const turnSessions = new TurnSessions({ repo: sessions, providers, maxTurnsPerSession: 100, log, now: () => new Date() });
  const agent = new Agent({ catalog, providers, sessions: turnSessions, setup: { setup: () => ({ system: 'test', tools: [] }) }, log, maxIterations: 4 });
  const built = { agent, catalog, sessions, turns: new TurnRegistry(), stop: async () => undefined };
  messaging = buildMessaging({ config, store, agent: built, leases, agentDir: dir, maxParallel: 2, log, now });
  server = await startGrpcServer('127.0.0.1:0', [messaging.rpc], log, { internalKey: KEY });
  clients = agentCoreClients(`127.0.0.1:${server.port}`, KEY);
  messaging.queue.start();
});

afterEach(async () => {
  streams.splice(0).forEach((s) => s.cancel());
  await messaging.queue.stop(100);
  closeClients(clients);
  await server.close(100);
  db.close();
});

let seq = 0;
function inbound(extra: Partial<InboundMessage> = {}): InboundMessage {
  seq += 1;
  return {
    address: { adapter: 'tg', channelId: 'chat-1', threadId: '' },
    eventId: `upd-${seq}`, messageId: `msg-${seq}`, userId: 'u1', userName: 'Ann', text: `hello ${seq}`,
    attachments: [], sentAtMs: 0, isGroup: false, ...extra,
  };
}

const record = (message: InboundMessage, fence: Fence = FENCE) => call(clients.messaging, clients.messaging.recordInbound, { fence, message }, 10_000);
const reportChunk = (entryId: number, index: number, count: number, platformMessageId: string, fence: Fence = FENCE) =>
  call(clients.messaging, clients.messaging.reportChunk, { fence, entryId, index, count, platformMessageId });
const reportFailure = (entryId: number, permanent: boolean, retryAfterMs = 0, fence: Fence = FENCE) =>
  call(clients.messaging, clients.messaging.reportDeliveryFailure, { fence, entryId, error: 'platform said no', permanent, retryAfterMs });

function openStream(adapters: string[], fence: Fence = FENCE) {
  const events: StreamOutboxResponse[] = [];
  const s = clients.messaging.streamOutbox({ fence, adapters });
  streams.push(s);
  const state: { error?: AppError; ended: boolean } = { ended: false };
  s.on('data', (e: StreamOutboxResponse) => void events.push(e));
  s.on('error', (err) => {
    state.error = fromGrpcError(err);
    state.ended = true;
  });
  s.on('end', () => void (state.ended = true));
  return {
    events,
    state,
    entries: () => events.flatMap((e) => (e.entry ? [e.entry] : [])),
    cancel: () => s.cancel(),
  };
}

const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
const chatRequests = () => fake.requests.filter((r) => r.api === 'openai');
const address = (adapter: string) => ({ adapter, channelId: 'c', threadId: '' });

describe('fencing', () => {
  const stale: Array<[string, Fence]> = [
    ['a stale token', { holderId: 'ah-1', token: 0 }],
    ['a future token', { holderId: 'ah-1', token: 2 }],
    ['another holder', { holderId: 'ah-2', token: 1 }],
  ];

  it.each(stale)('refuses RecordInbound with %s and stores nothing', async (_what, fence) => {
    const err = await rejectedAppError(record(inbound({ attachments: [{ kind: 'file', fileName: 'a.txt', mimeType: 'text/plain', data: Buffer.from('x') }] }), fence));
    expect({ code: err.code, reason: err.reason }).toEqual({ code: 'failed_precondition', reason: 'stale_fencing_token' });
    expect(count('inbound_messages')).toBe(0);
    expect(existsSync(join(dir, 'inbox'))).toBe(false);
  });

  it.each(stale)('refuses ReportChunk and ReportDeliveryFailure with %s and changes nothing', async (_what, fence) => {
    const { id } = messaging.outbox.insert({ dedupeKey: 'k', address: address('tg'), markdown: 'x' }, new Date());
    expect(await rejectedAppError(reportChunk(id, 0, 1, 'p0', fence))).toMatchObject({ code: 'failed_precondition', reason: 'stale_fencing_token' });
    expect(await rejectedAppError(reportFailure(id, true, 0, fence))).toMatchObject({ code: 'failed_precondition', reason: 'stale_fencing_token' });
    expect(messaging.outbox.get(id)).toMatchObject({ status: 'pending', attempts: 0, chunkCount: 0, postedChunkIds: [] });
  });

  it.each(stale)('refuses ListRecentConversations with %s', async (_what, fence) => {
    const err = await rejectedAppError(call(clients.messaging, clients.messaging.listRecentConversations, { fence, adapter: 'tg', sinceMs: 0 }));
    expect({ code: err.code, reason: err.reason }).toEqual({ code: 'failed_precondition', reason: 'stale_fencing_token' });
  });

  it.each(stale)('refuses StreamOutbox with %s before sending anything', async (_what, fence) => {
    messaging.outbox.insert({ dedupeKey: 'k', address: address('tg'), markdown: 'x' }, new Date());
    const s = openStream(['tg'], fence);
    await waitFor(() => s.state.ended, { what: 'the stream to be refused' });
    expect(s.state.error).toMatchObject({ code: 'failed_precondition', reason: 'stale_fencing_token' });
    expect(s.events).toEqual([]);
  });

  it('ends the stream of a holder whose lease moved on instead of handing it new replies', async () => {
    const s = openStream(['tg']);
    await waitFor(() => messaging.feed.subscriberCount === 1, { what: 'the subscription' });
    skewMs = TTL_MS + 1; // the holder was paused past its lease, and a standby took over
    expect(leases.acquire(ADAPTER_HOST_LEASE, holder('ah-2'), TTL_MS, Date.now() + skewMs).lease.token).toBe(2);
    messaging.outbox.insert({ dedupeKey: 'k', address: address('tg'), markdown: 'x' }, new Date());
    messaging.feed.notify();
    await waitFor(() => s.state.ended, { what: 'the old stream to end' });
    expect(s.state.error).toMatchObject({ code: 'failed_precondition', reason: 'stale_fencing_token' });
    expect(s.entries()).toEqual([]);
    expect(await rejectedAppError(record(inbound()))).toMatchObject({ reason: 'stale_fencing_token' });
  });

  it('ends an older stream when the new lease holder opens one', async () => {
    const old = openStream(['tg']);
    await waitFor(() => messaging.feed.subscriberCount === 1, { what: 'the subscription' });
    skewMs = TTL_MS + 1;
    leases.acquire(ADAPTER_HOST_LEASE, holder('ah-2'), TTL_MS, Date.now() + skewMs);
    const next = openStream(['tg'], { holderId: 'ah-2', token: 2 });
    await waitFor(() => old.state.ended, { what: 'the old stream to end' });
    expect(old.state.error).toMatchObject({ code: 'failed_precondition', reason: 'stale_fencing_token' });
    expect(next.state.ended).toBe(false);
  });
});

describe('RecordInbound', () => {
  it('lists the conversations with a recorded message, and refuses a since_ms that is not a time', async () => {
    await record(inbound());
    const { conversations } = await call(clients.messaging, clients.messaging.listRecentConversations, { fence: FENCE, adapter: 'tg', sinceMs: 0 });
    expect(conversations.length).toBeGreaterThan(0);
    expect(conversations[0]).toEqual({ channelId: expect.any(String), threadId: expect.any(String), lastEventId: expect.any(String) });
    const err = await rejectedAppError(call(clients.messaging, clients.messaging.listRecentConversations, { fence: FENCE, adapter: 'tg', sinceMs: -5 }));
    expect({ code: err.code, field: err.field }).toEqual({ code: 'invalid_argument', field: 'since_ms' });
  });

  it('answers a re-delivered event as a duplicate: one row, one turn, its files left as first stored', async () => {
    const file = (text: string) => [{ kind: 'file', fileName: 'note.txt', mimeType: 'text/plain', data: Buffer.from(text) }];
    const message = inbound({ eventId: 'upd-dup', attachments: file('first') });
    const first = await record(message);
    const again = await record({ ...message, attachments: file('second') });
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ inboundId: first.inboundId, duplicate: true });
    await waitFor(() => count('outbox') === 1, { what: 'the answer' });
    expect(count('inbound_messages')).toBe(1);
    expect(chatRequests()).toHaveLength(1);
    const eventDir = join(dir, 'inbox', 'tg');
    const [folder] = readdirSync(eventDir);
    expect(readFileSync(join(eventDir, folder!, '0-note.txt'), 'utf8')).toBe('first');
  });

  it('refuses oversized and malformed messages with INVALID_ARGUMENT naming the field, and keeps serving', async () => {
    const cases: Array<[InboundMessage, string]> = [
      [inbound({ address: { adapter: '', channelId: 'c', threadId: '' } }), 'message.address.adapter'],
      [inbound({ address: { adapter: 'tg', channelId: '', threadId: '' } }), 'message.address.channel_id'],
      [inbound({ address: undefined }), 'message.address'],
      [inbound({ eventId: 'e'.repeat(10 * 1024) }), 'message.event_id'],
      [inbound({ userName: 'n'.repeat(10 * 1024) }), 'message.user_name'],
      [inbound({ text: 't'.repeat(65 * 1024) }), 'message.text'],
      [inbound({ attachments: [{ kind: 'sticker', fileName: 's', mimeType: 'image/webp', data: Buffer.from('x') }] }), 'message.attachments[0].kind'],
      [inbound({ attachments: [{ kind: 'file', fileName: 'big.bin', mimeType: 'application/octet-stream', data: Buffer.alloc(25 * 1024 * 1024) }] }), 'message.attachments[0].data'],
    ];
    for (const [message, field] of cases) {
      const err = await rejectedAppError(record(message));
      expect({ field, code: err.code, named: err.field }).toEqual({ field, code: 'invalid_argument', named: field });
    }
    expect(await rejectedAppError(call(clients.messaging, clients.messaging.recordInbound, { fence: undefined, message: inbound() }))).toMatchObject({ code: 'invalid_argument', field: 'fence' });
    expect(count('inbound_messages')).toBe(0);
    expect(existsSync(join(dir, 'inbox'))).toBe(false);
    expect((await record(inbound())).duplicate).toBe(false);
  });

  it('refuses a message above the gRPC size limit (50 MB) before it reaches the handler, and keeps serving', async () => {
    const huge = inbound({ attachments: [{ kind: 'file', fileName: 'huge.bin', mimeType: 'application/octet-stream', data: Buffer.alloc(50 * 1024 * 1024) }] });
    const err = await rejectedAppError(record(huge));
    // grpc-js refuses it against MAX_MESSAGE_BYTES (32 MB) before any handler runs, so no field is named.
    expect({ code: err.code, reason: err.reason }).toEqual({ code: 'invalid_argument', reason: 'payload_too_large' });
    expect(count('inbound_messages')).toBe(0);
    expect((await record(inbound())).duplicate).toBe(false);
  });
});

describe('StreamOutbox', () => {
  it('sends undelivered entries of its adapters oldest first, then new replies with the turn activity around them', async () => {
    const t = new Date();
    const a = messaging.outbox.insert({ dedupeKey: 'old-1', address: address('tg'), markdown: 'old one' }, t).id;
    messaging.outbox.insert({ dedupeKey: 'old-2', address: address('slack'), markdown: 'not mine' }, t);
    const b = messaging.outbox.insert({ dedupeKey: 'old-3', address: address('tg'), markdown: 'old two' }, t).id;
    const s = openStream(['tg']);
    await waitFor(() => s.entries().length === 2, { what: 'the waiting entries' });
    expect(s.entries().map((e) => e.id)).toEqual([a, b]);

    fake.script({ reply: { text: 'slow answer', firstTokenDelayMs: 200 } });
    const { inboundId } = await record(inbound({ address: { adapter: 'tg', channelId: 'chat-9', threadId: 'th' }, messageId: 'msg-9' }));
    await record(inbound({ address: { adapter: 'slack', channelId: 'C1', threadId: '' } }));
    await waitFor(() => s.events.filter((e) => e.activity).length === 2, { what: 'the turn to start and end' });
    const conv = { adapter: 'tg', channelId: 'chat-9', threadId: 'th' };
    const tail = s.events.slice(2).filter((e) => e.activity || e.entry?.address?.channelId === 'chat-9');
    expect(tail.map((e) => (e.activity ? `activity ${e.activity.running}` : 'entry'))).toEqual(['activity true', 'entry', 'activity false']);
    expect(tail[0]!.activity).toEqual({ address: conv, running: true });
    expect(tail[1]!.entry).toMatchObject({ address: conv, markdown: 'slow answer', replyToMessageId: 'msg-9', postedChunkIds: [], chunkCount: 0 });
    expect(messaging.outbox.byKey(`inbound:${inboundId}`)?.id).toBe(tail[1]!.entry!.id);
    await waitFor(() => count('outbox') === 5, { what: 'the slack reply' });
    expect(s.events.every((e) => (e.entry?.address ?? e.activity?.address)?.adapter === 'tg')).toBe(true);
  });

  it('sends an entry with its attachments', async () => {
    const path = join(dir, 'result.csv');
    writeFileSync(path, 'a,b\n1,2\n');
    messaging.outbox.insert({ dedupeKey: 'task_run:1', address: address('tg'), markdown: 'report', attachments: [{ kind: 'file', fileName: 'result.csv', mimeType: 'text/csv', path, bytes: 8 }] }, new Date());
    const s = openStream(['tg']);
    await waitFor(() => s.entries().length === 1, { what: 'the entry' });
    expect(s.entries()[0]!.attachments).toEqual([{ kind: 'file', fileName: 'result.csv', mimeType: 'text/csv', data: Buffer.from('a,b\n1,2\n') }]);
  });

  it('says so when agent-core shuts down under an open stream', async () => {
    const s = openStream(['tg']);
    await waitFor(() => messaging.feed.subscriberCount === 1, { what: 'the subscription' });
    messaging.feed.stop();
    await waitFor(() => s.state.ended, { what: 'the stream to end' });
    expect(s.state.error).toMatchObject({ code: 'unavailable', reason: 'shutting_down' });
  });

  it('refuses an empty adapter list or an empty adapter name', async () => {
    for (const [adapters, field] of [[[], 'adapters'], [['tg', ''], 'adapters[1]']] as const) {
      const s = openStream([...adapters]);
      await waitFor(() => s.state.ended, { what: 'the refusal' });
      expect(s.state.error).toMatchObject({ code: 'invalid_argument', field });
    }
  });
});

describe('ReportChunk', () => {
  it('is idempotent per (entry, index), delivers once every chunk is reported, and a new stream resumes a partial entry', async () => {
    const t = new Date();
    const full = messaging.outbox.insert({ dedupeKey: 'k1', address: address('tg'), markdown: 'two chunks' }, t).id;
    const partial = messaging.outbox.insert({ dedupeKey: 'k2', address: address('tg'), markdown: 'three chunks' }, t).id;
    const first = openStream(['tg']);
    await waitFor(() => first.entries().length === 2, { what: 'both entries' });

    expect(await reportChunk(full, 0, 2, 'p0')).toEqual({ delivered: false });
    expect(await reportChunk(full, 0, 2, 'p0')).toEqual({ delivered: false });
    expect(await reportChunk(full, 1, 2, 'p1')).toEqual({ delivered: true });
    expect(await reportChunk(full, 1, 2, 'p1')).toEqual({ delivered: true });
    expect(messaging.outbox.get(full)).toMatchObject({ status: 'delivered', postedChunkIds: ['p0', 'p1'] });
    expect(await reportChunk(partial, 0, 3, 'q0')).toEqual({ delivered: false });
    expect(await rejectedAppError(reportChunk(partial, 1, 3, ''))).toMatchObject({ code: 'invalid_argument', field: 'platform_message_id' });
    first.cancel(); // adapter-host restarts

    const second = openStream(['tg']);
    await waitFor(() => second.entries().length === 1, { what: 'the partial entry' });
    expect(second.entries()[0]).toMatchObject({ id: partial, chunkCount: 3, postedChunkIds: ['q0', '', ''] });
    await reportChunk(partial, 1, 3, 'q1');
    expect(await reportChunk(partial, 2, 3, 'q2')).toEqual({ delivered: true });
    expect(second.entries()).toHaveLength(1);
  });
});

describe('ReportDeliveryFailure', () => {
  it('does not offer a permanently failed entry again, and offers a transient one again after retry_after_ms', async () => {
    const t = new Date();
    const gone = messaging.outbox.insert({ dedupeKey: 'k1', address: address('tg'), markdown: 'to a deleted chat' }, t).id;
    const later = messaging.outbox.insert({ dedupeKey: 'k2', address: address('tg'), markdown: 'rate limited' }, t).id;
    const s = openStream(['tg']);
    await waitFor(() => s.entries().length === 2, { what: 'both entries' });
    await reportFailure(gone, true);
    const failedAt = Date.now();
    await reportFailure(later, false, 300);
    expect(messaging.outbox.get(gone)).toMatchObject({ status: 'failed', error: 'platform said no' });
    await waitFor(() => s.entries().length === 3, { what: 'the retry' });
    expect(Date.now() - failedAt).toBeGreaterThanOrEqual(290);
    expect(s.entries()[2]).toMatchObject({ id: later });

    const fresh = openStream(['tg']);
    await waitFor(() => fresh.entries().length === 1, { what: 'the pending entry' });
    expect(fresh.entries().map((e) => e.id)).toEqual([later]);
  });
});
