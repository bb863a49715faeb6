import type { ChatRequest, ChatResponse } from '@cliver/common';
import type { Agent } from '../agent/agent';
import type { TurnEvent } from '../agent/turn';
import type { TurnRegistry } from '../agent/turn-registry';
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

/** Stops a running turn; a no-op once the turn is over. */
export type StopTurn = (reason: string) => void;

/**
 * One Chat turn, whichever call carries it (Chat, or a turn of ChatMux): writes the turn's
 * events and then `done`, or throws. `onStop` receives the function that cancels it.
 */
export async function runChat(agent: Agent, turns: TurnRegistry, req: ChatRequest, write: (event: ChatResponse) => void, onStop: (stop: StopTurn) => void): Promise<void> {
  const request = toTurnRequest(req);
  const turn = turns.start(request.requestId);
  // A caller closing a finished call is reported as a cancel too: that must not abort anything
  // (an abort wakes every listener on the turn's signal, for nothing).
  let running = true;
  onStop((reason) => running && turn.abort(reason));
  try {
    const result = await agent.run(request, (e) => write(toResponse(e)), turn.signal);
    const { promptTokens, completionTokens, totalTokens } = result.usage;
    write({ done: { model: result.model, usage: { promptTokens, completionTokens, totalTokens }, text: result.text, iterations: result.iterations } });
  } finally {
    running = false;
    turn.done();
  }
}
