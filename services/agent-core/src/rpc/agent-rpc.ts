import { AgentServiceService, serverStream, unary, type ChatRequest, type ChatResponse, type GrpcService, type Logger } from '@cliver/common';
import type { Agent } from '../agent/agent';
import type { ModelCatalog } from '../providers/model-catalog';
import type { TurnRegistry } from '../agent/turn-registry';
import type { TurnEvent } from '../agent/turn';
import { toTurnRequest } from './chat-request';

function toResponse(e: TurnEvent): ChatResponse {
  switch (e.type) {
    case 'started':
      return { started: { model: e.model } };
    case 'session':
      return { session: { sessionId: e.sessionId, created: e.created } };
    case 'text':
      return { text: { choiceIndex: e.choice, text: e.text } };
    case 'tool_call':
      return { toolCall: { choiceIndex: e.choice, index: e.index, id: e.id ?? '', name: e.name ?? '', argumentsDelta: e.argumentsDelta } };
    case 'tool_started':
      return { toolStarted: { callId: e.callId, tool: e.tool, arguments: e.arguments } };
    case 'tool_finished':
      return { toolFinished: { callId: e.callId, tool: e.tool, durationMs: e.durationMs, result: e.result, error: e.error } };
    case 'choice_finished':
      return { choiceFinished: { choiceIndex: e.choice, finishReason: e.reason } };
  }
}

export function agentRpc(log: Logger, agent: Agent, turns: TurnRegistry, catalog: ModelCatalog): GrpcService {
  return {
    definition: AgentServiceService,
    implementation: {
      chat: serverStream<ChatRequest, ChatResponse>(log, 'Chat', async (req, write, call) => {
        const request = toTurnRequest(req);
        const turn = turns.start(request.requestId);
        // The client went away (HTTP client disconnected, CLI interrupted): stop the work. grpc-js
        // also reports a client closing a finished stream as cancelled; that needs no abort.
        let running = true;
        call.once('cancelled', () => running && turn.abort('the caller cancelled the turn'));
        try {
          const result = await agent.run(request, (e) => write(toResponse(e)), turn.signal);
          write({ done: { model: result.model, usage: { promptTokens: result.usage.promptTokens, completionTokens: result.usage.completionTokens, totalTokens: result.usage.totalTokens }, text: result.text, iterations: result.iterations } });
        } finally {
          running = false;
          turn.done();
        }
      }),
      cancelChat: unary(log, 'CancelChat', (req: { requestId: string }) => ({ cancelled: turns.cancel(req.requestId) })),
      listModels: unary(log, 'ListModels', () => ({
        models: catalog.list().map((m) => ({ id: m.id, provider: m.provider, contextWindow: m.contextWindow, capabilities: m.capabilities })),
        defaultModel: catalog.defaultModelId ?? '',
      })),
    },
  };
}
