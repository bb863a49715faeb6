import { AgentServiceService, grpcService, serverStream, unary, type AgentServiceServer, type GrpcService, type Logger } from '@cliver/common';
import type { Agent } from '../agent/agent';
import type { ModelCatalog } from '../providers/model-catalog';
import type { TurnRegistry } from '../agent/turn-registry';
import { runChat } from './chat-turn';
import { chatMux } from './chat-mux';

export function agentRpc(log: Logger, agent: Agent, turns: TurnRegistry, catalog: ModelCatalog): GrpcService<AgentServiceServer> {
  const mux = chatMux(log, (req, write, onStop) => runChat(agent, turns, req, write, onStop));
  return grpcService(
    AgentServiceService,
    {
      chat: serverStream(log, 'Chat', (req, write, call) =>
        // The client went away (HTTP client disconnected, CLI interrupted): stop the work.
        runChat(agent, turns, req, write, (stop) => call.once('cancelled', () => stop('the caller cancelled the turn'))),
      ),
      chatMux: mux.handler,
      cancelChat: unary(log, 'CancelChat', (req) => ({ cancelled: turns.cancel(req.requestId) })),
      listModels: unary(log, 'ListModels', () => ({
        models: catalog.list().map((m) => ({ id: m.id, provider: m.provider, contextWindow: m.contextWindow, capabilities: m.capabilities })),
        defaultModel: catalog.defaultModelId ?? '',
      })),
    },
    mux.drain,
  );
}
