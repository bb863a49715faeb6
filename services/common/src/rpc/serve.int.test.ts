import { AppError } from '../errors/app-error';
import { AgentServiceService, ChatRequest, type ChatResponse } from '../gen/cliver/v1/agent';
import { createLogger } from '../logging/logger';
import { readStream } from './call';
import { agentCoreClients } from './clients';
import { grpcService, serverStream, startGrpcServer, unary, type RunningGrpcServer } from './serve';

// How handler errors reach a caller over real gRPC: mapped to their status once, whether the
// handler throws at once or after an await.
const log = createLogger({ service: 'test', level: 'silent' });
let server: RunningGrpcServer;

beforeAll(async () => {
  const refuse = () => {
    throw new AppError('invalid_argument', 'model: is required', { reason: 'bad_model', field: 'model' });
  };
  const agent = grpcService(AgentServiceService, {
    // Not async: the throw happens before any promise exists.
    chat: serverStream(log, 'Chat', ((req: ChatRequest) => {
      if (!req.model) refuse();
      return Promise.resolve();
    }) as never),
    chatMux: (mux) => mux.end(),
    cancelChat: unary(log, 'CancelChat', () => ({ cancelled: false })),
    listModels: unary(log, 'ListModels', async () => {
      await Promise.resolve();
      return refuse();
    }),
  });
  server = await startGrpcServer('127.0.0.1:0', [agent], log);
});

afterAll(() => server.close(100));

test('a stream handler that throws synchronously answers with its own status, not INTERNAL', async () => {
  const { agent } = agentCoreClients(`127.0.0.1:${server.port}`, undefined);
  try {
    const events = readStream<ChatResponse>((md, opts) => agent.chat(ChatRequest.fromPartial({}), md, opts));
    const err = await (async () => {
      for await (const _ of events) void _;
    })().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('invalid_argument');
    expect((err as AppError).message).toContain('model: is required');
  } finally {
    agent.close();
  }
});
