import { credentials } from '@grpc/grpc-js';
import {
  AgentServiceClient,
  AgentServiceService,
  AppError,
  ChatMuxClient,
  ChatRequest,
  createLogger,
  readStream,
  serverStream,
  startGrpcServer,
  type ChatResponse,
  type RunningGrpcServer,
} from '@cliver/common';
import { freePort, waitFor } from '@cliver/testkit';
import { chatMux } from './chat-mux';
import type { StopTurn } from './chat-turn';

// ChatMux over real gRPC: a scripted turn runner on the server side, the ChatMuxClient that
// gateway-api uses on the other. The runner's behaviour is picked by the request id.
const log = createLogger({ service: 'test', level: 'silent' });

interface Script {
  /** ChatMux calls, and Chat calls. */
  calls: number;
  chatCalls: number;
  started: string[];
  stopped: string[];
  releases: Map<string, () => void>;
}

function runner(script: Script) {
  return async (req: ChatRequest, write: (e: ChatResponse) => void, onStop: (stop: StopTurn) => void): Promise<void> => {
    const [name, arg] = req.requestId.split(':');
    const kind = name!.split('-')[0];
    script.started.push(req.requestId);
    let stop: ((reason: string) => void) | undefined;
    const stopped = new Promise<string>((resolve) => (stop = resolve));
    onStop((reason) => stop!(reason));
    write({ started: { model: 'fake/m' } });
    if (kind === 'fail') {
      throw new AppError('resource_exhausted', 'the provider is rate limited', { reason: 'provider_rate_limited', field: 'model', retryAfterMs: 1500 });
    }
    if (kind === 'badevent') {
      // An int32 field given a fraction: grpc-js could not encode a message with this frame.
      write({ text: { choiceIndex: 0.5, text: 'odd' } });
    }
    if (kind === 'wait' || kind === 'badevent') {
      const reason = await stopped;
      script.stopped.push(req.requestId);
      throw new AppError('unavailable', reason, { reason: 'cancelled' });
    }
    if (kind === 'hold') await new Promise<void>((resolve) => script.releases.set(req.requestId, resolve));
    // Several events per turn, each after a pause, so that turns interleave on the call.
    for (let i = 0; i < Number(arg ?? 1); i++) {
      await new Promise((resolve) => setImmediate(resolve));
      write({ text: { choiceIndex: 0, text: `${req.requestId}#${i}` } });
    }
    write({ done: { model: 'fake/m', usage: undefined, text: req.requestId, iterations: 1 } });
  };
}

let server: RunningGrpcServer;
let script: Script;
let port: number;
let grpcClient: AgentServiceClient;
let client: ChatMuxClient;

async function startServer(): Promise<void> {
  script = { calls: 0, chatCalls: 0, started: [], stopped: [], releases: new Map() };
  const mux = chatMux(log, runner(script));
  const counted = (call: Parameters<typeof mux.handler>[0]) => {
    script.calls++;
    mux.handler(call);
  };
  // Chat (one call per turn) runs the same scripted turns, for the cases both paths share.
  const chat = serverStream<ChatRequest, ChatResponse>(log, 'Chat', (req, write, call) => {
    script.chatCalls++;
    return runner(script)(req, write, (stop) => call.once('cancelled', () => stop('the caller cancelled the turn')));
  });
  server = await startGrpcServer(`127.0.0.1:${port}`, [{ definition: AgentServiceService, implementation: { chatMux: counted, chat }, drain: mux.drain }], log);
}

beforeEach(async () => {
  port = await freePort();
  await startServer();
  grpcClient = new AgentServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  client = new ChatMuxClient(grpcClient);
});

afterEach(async () => {
  client.close();
  grpcClient.close();
  await server.close(100);
});

const request = (requestId: string): ChatRequest => ({ ...emptyRequest, requestId });
const emptyRequest: ChatRequest = {
  requestId: '',
  surface: 0,
  sessionId: '',
  stateless: true,
  model: '',
  messages: [],
  options: undefined,
  clientTools: [],
  origin: undefined,
  skills: [],
  toolFilter: [],
  systemMessage: '',
  sessionTitle: '',
  sessionKey: '',
  buffered: false,
};

async function collect(events: AsyncIterable<ChatResponse>): Promise<ChatResponse[]> {
  const out: ChatResponse[] = [];
  for await (const e of events) out.push(e);
  return out;
}

const texts = (events: ChatResponse[]) => events.flatMap((e) => (e.text ? [e.text.text] : []));

test('many concurrent turns share one call and each gets exactly its own events, in order, ending with done', async () => {
  const ids = Array.from({ length: 40 }, (_, i) => `echo${i}:5`);
  const results = await Promise.all(ids.map((id) => collect(client.chat(request(id)))));
  results.forEach((events, i) => {
    expect(events[0]).toEqual({ started: { model: 'fake/m' } });
    expect(texts(events)).toEqual([0, 1, 2, 3, 4].map((n) => `${ids[i]}#${n}`));
    expect(events.at(-1)?.done?.text).toBe(ids[i]);
  });
  expect(script.calls).toBe(1);
});

test("a failed turn gets its error with code, reason, field and retry-after; the other turns on the call finish", async () => {
  const [failed, fine] = await Promise.allSettled([collect(client.chat(request('fail'))), collect(client.chat(request('ok:3')))]);
  expect(failed.status).toBe('rejected');
  const err = (failed as PromiseRejectedResult).reason as AppError;
  expect(err).toBeInstanceOf(AppError);
  expect({ code: err.code, message: err.message, reason: err.reason, field: err.field, retryAfterMs: err.retryAfterMs }).toEqual({
    code: 'resource_exhausted',
    message: 'the provider is rate limited',
    reason: 'provider_rate_limited',
    field: 'model',
    retryAfterMs: 1500,
  });
  expect(fine.status === 'fulfilled' && texts(fine.value)).toEqual(['ok:3#0', 'ok:3#1', 'ok:3#2']);
});

test('aborting the signal stops that turn in the server and nothing else', async () => {
  const controller = new AbortController();
  const waiting = collect(client.chat(request('wait-a'), controller.signal));
  const other = collect(client.chat(request('hold-b:2')));
  await waitFor(() => script.releases.has('hold-b:2'));
  controller.abort();
  await expect(waiting).rejects.toMatchObject({ code: 'unavailable', reason: 'cancelled' });
  await waitFor(() => script.stopped.includes('wait-a'));
  script.releases.get('hold-b:2')!();
  expect(texts(await other)).toEqual(['hold-b:2#0', 'hold-b:2#1']);
  expect(script.stopped).toEqual(['wait-a']);
});

test('leaving the loop early stops the turn in the server', async () => {
  for await (const e of client.chat(request('wait-early'))) {
    expect(e.started).toBeDefined();
    break;
  }
  await waitFor(() => script.stopped.includes('wait-early'));
});

test('shutdown lets a running turn finish, refuses new turns, then ends the call', async () => {
  const running = collect(client.chat(request('hold-last:2')));
  await waitFor(() => script.releases.has('hold-last:2'));
  // A grace far beyond the test's timeout: only ending the call after its turn lets this finish.
  const closing = server.close(60_000);
  await expect(collect(client.chat(request('late:1')))).rejects.toMatchObject({ code: 'unavailable' });
  script.releases.get('hold-last:2')!();
  expect(texts(await running)).toEqual(['hold-last:2#0', 'hold-last:2#1']);
  await closing;
});

test('when agent-core goes away the turns on the call fail as unavailable, and the next turn opens a new call', async () => {
  const running = collect(client.chat(request('wait-cut')));
  await waitFor(() => script.calls === 1);
  await server.close(0);
  await expect(running).rejects.toMatchObject({ code: 'unavailable' });
  await expect(collect(client.chat(request('down:1')))).rejects.toMatchObject({ code: 'unavailable' });

  await startServer();
  const events = await waitFor(() => collect(client.chat(request('back:1'))).catch(() => undefined));
  expect(texts(events)).toEqual(['back:1#0']);
  // The restarted server (its counts start at 0) saw one new call, which carried the turn.
  expect(script.calls).toBe(1);
  expect(script.started).toEqual(['back:1']);
});

test('a turn whose caller is already gone is never run, on either path', async () => {
  const gone = AbortSignal.abort();
  await expect(collect(client.chat(request('ok-mux:1'), gone))).rejects.toMatchObject({ code: 'unavailable', reason: 'cancelled' });
  const viaChat = readStream<ChatResponse>((md, o) => grpcClient.chat(request('ok-chat:1'), md, o), { signal: gone });
  await expect(collect(viaChat)).rejects.toMatchObject({ code: 'unavailable', reason: 'cancelled' });
  // Proof that nothing was sent: a turn that follows on the same call is the first one run.
  await collect(client.chat(request('after:1')));
  expect(script.started).toEqual(['after:1']);
});

test('cancelling a Chat call is reported as cancelled, and stops the turn in the server', async () => {
  const controller = new AbortController();
  const events = readStream<ChatResponse>((md, o) => grpcClient.chat(request('wait-chat'), md, o), { signal: controller.signal });
  expect((await events.next()).value).toEqual({ started: { model: 'fake/m' } });
  controller.abort();
  await expect(events.next()).rejects.toMatchObject({ code: 'unavailable', reason: 'cancelled', message: 'the call was cancelled' });
  await waitFor(() => script.stopped.includes('wait-chat'));
});

describe('one turn that cannot be carried fails alone', () => {
  const good = Array.from({ length: 20 }, (_, i) => `good${i}:3`);
  const expectGoodAnswers = (results: Array<PromiseSettledResult<ChatResponse[]>>) =>
    expect(results.map((r) => (r.status === 'fulfilled' ? texts(r.value) : r.reason))).toEqual(good.map((id) => [0, 1, 2].map((n) => `${id}#${n}`)));

  test('a request that cannot be encoded is refused as invalid_argument; the 20 turns beside it on the call are answered', async () => {
    // max_tokens is an int32: 2^31 cannot be encoded (the /v1 schema refuses it earlier; this is the last line).
    const poisoned = ChatRequest.fromPartial({ requestId: 'poison:1', options: { maxTokens: 2 ** 31 } });
    const turns = good.map((id) => collect(client.chat(request(id))));
    turns.splice(10, 0, collect(client.chat(poisoned)));
    const results = await Promise.allSettled(turns);
    const [refused] = results.splice(10, 1);
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'invalid_argument', reason: 'unencodable_request' } });
    expect(((refused as PromiseRejectedResult).reason as AppError).message).toMatch(/^The request cannot be passed to agent-core: .*int32/);
    expectGoodAnswers(results);
    expect(script.started).not.toContain('poison:1');
    expect(script.calls).toBe(1);
  });

  test('an event that cannot be encoded fails its own turn as internal and stops it; the 20 turns beside it are answered', async () => {
    const turns = good.map((id) => collect(client.chat(request(id))));
    turns.splice(10, 0, collect(client.chat(request('badevent-x'))));
    const results = await Promise.allSettled(turns);
    const [failed] = results.splice(10, 1);
    expect(failed).toMatchObject({ status: 'rejected', reason: { code: 'internal', reason: 'unencodable_event' } });
    expectGoodAnswers(results);
    await waitFor(() => script.stopped.includes('badevent-x'));
    expect(script.calls).toBe(1);
  });

  test('a request over 256 KB runs on a Chat call of its own, beside the turns on the shared call', async () => {
    const big = { ...request('big:1'), systemMessage: 'x'.repeat(300 * 1024) };
    const [large, ...small] = await Promise.all([collect(client.chat(big)), ...good.map((id) => collect(client.chat(request(id))))]);
    expect(texts(large)).toEqual(['big:1#0']);
    expectGoodAnswers(small.map((value) => ({ status: 'fulfilled', value })));
    expect({ muxCalls: script.calls, chatCalls: script.chatCalls }).toEqual({ muxCalls: 1, chatCalls: 1 });
  });
});
