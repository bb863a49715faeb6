import { credentials, Metadata } from '@grpc/grpc-js';
import { AppError } from '../errors/app-error';
import { AgentServiceClient, AgentServiceService, ChatRequest, type ChatResponse } from '../gen/cliver/v1/agent';
import { createLogger } from '../logging/logger';
import { call, readStream } from './call';
import { checkHealth, serviceInfoClient } from './clients';
import { INTERNAL_KEY_HEADER } from './internal-auth';
import { grpcService, serverStream, startGrpcServer, unary, type RunningGrpcServer } from './serve';
import { serviceInfoService, ServiceRole } from './service-info';

// The internal key over real gRPC: a server started as every service starts its own, and the
// clients every service builds.
const log = createLogger({ service: 'test', level: 'silent' });
const KEY = 'k'.repeat(43);
const info = { service: 'test', host: 'box', pid: 1, startedAtMs: 0, version: '0', role: ServiceRole.SERVICE_ROLE_SINGLE, leaseToken: 0, agent: 'CLIver' };

let server: RunningGrpcServer;
let address: string;
let chatsRun: number;

beforeAll(async () => {
  chatsRun = 0;
  const agent = grpcService(AgentServiceService, {
    chat: serverStream(log, 'Chat', async (_req, write) => {
      chatsRun++;
      write({ text: { choiceIndex: 0, text: 'hi' } });
    }),
    chatMux: (mux) => mux.end(),
    cancelChat: unary(log, 'CancelChat', () => ({ cancelled: false })),
    listModels: unary(log, 'ListModels', () => ({ models: [], defaultModel: '' })),
  });
  server = await startGrpcServer('127.0.0.1:0', [serviceInfoService(log, () => info), agent], log, { internalKey: KEY });
  address = `127.0.0.1:${server.port}`;
});

afterAll(() => server.close(100));

async function refusal(key: string | undefined): Promise<AppError> {
  const client = serviceInfoClient(address, key);
  try {
    const err = await call(client, client.getServiceInfo, {}).then(() => undefined, (e: unknown) => e);
    if (!(err instanceof AppError)) throw new Error(`expected a refusal, got ${String(err)}`);
    return err;
  } finally {
    client.close();
  }
}

test('a call without the internal key is refused as unauthenticated, saying where the key comes from', async () => {
  const err = await refusal(undefined);
  expect({ code: err.code, reason: err.reason }).toEqual({ code: 'unauthenticated', reason: 'internal_key_missing' });
  expect(err.message).toContain(`this call carries no internal key (${INTERNAL_KEY_HEADER})`);
  expect(err.message).toContain('secrets/internal.key');
  expect(err.message).toContain('CLIVER_INTERNAL_KEY');
});

test('a call with a wrong key is refused, whether or not its length matches', async () => {
  for (const wrong of ['x'.repeat(KEY.length), `${KEY}x`, 'short']) {
    expect(await refusal(wrong)).toMatchObject({ code: 'unauthenticated', reason: 'internal_key_mismatch' });
  }
});

test('a call with the key is served', async () => {
  const client = serviceInfoClient(address, KEY);
  expect(await call(client, client.getServiceInfo, {})).toEqual({ info });
  client.close();
});

test('a stream without the key is refused before its handler runs; with the key it runs', async () => {
  const request = ChatRequest.fromPartial({ requestId: 'r' });
  const keyless = new AgentServiceClient(address, credentials.createInsecure());
  const events = readStream<ChatResponse>((md, o) => keyless.chat(request, md, o));
  await expect(events.next()).rejects.toMatchObject({ code: 'unauthenticated', reason: 'internal_key_missing' });
  keyless.close();
  expect(chatsRun).toBe(0);

  // Any client that puts the key in the metadata is let in (the interceptor is one way to do it).
  const raw = new AgentServiceClient(address, credentials.createInsecure());
  const md = new Metadata();
  md.set(INTERNAL_KEY_HEADER, KEY);
  const out: ChatResponse[] = [];
  for await (const e of readStream<ChatResponse>((_md, o) => raw.chat(request, md, o))) out.push(e);
  raw.close();
  expect(out).toEqual([{ text: { choiceIndex: 0, text: 'hi' } }]);
  expect(chatsRun).toBe(1);
});

test('grpc.health.v1 answers without the key (container and orchestrator probes)', async () => {
  expect(await checkHealth(address)).toBe('SERVING');
  expect(await checkHealth(address, 1000, KEY)).toBe('SERVING');
});
