import { AppError } from '@cliver/common';
import type { CompletionRequest, Provider } from '../providers/provider';
import type { TokenUsage, ToolCall } from './messages';
import type { Emit } from './turn';

export interface ChoiceResult {
  text: string;
  toolCalls: ToolCall[];
  finishReason: string;
}

export interface ModelCallResult {
  choices: ChoiceResult[];
  usage: TokenUsage;
}

const ZERO: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

/**
 * Streams one model call. Text is emitted as it arrives; raw tool-call deltas are emitted only
 * when the caller owns the tools (`passThrough`), since the agent reports its own tools as
 * tool_started/finished instead. Finish reasons are returned, not emitted: whether a choice is
 * finished for the caller depends on whether the agent continues the loop.
 */
export async function callModel(provider: Provider, request: CompletionRequest, emit: Emit, passThrough: boolean): Promise<ModelCallResult> {
  const choices: ChoiceResult[] = [];
  const choice = (i: number) => (choices[i] ??= { text: '', toolCalls: [], finishReason: '' });
  let usage = ZERO;
  for await (const event of provider.stream(request)) {
    switch (event.type) {
      case 'text':
        choice(event.choice).text += event.text;
        emit(event);
        break;
      case 'tool_call': {
        const calls = choice(event.choice).toolCalls;
        const call = (calls[event.index] ??= { id: '', name: '', arguments: '' });
        if (event.id) call.id = event.id;
        if (event.name) call.name += event.name;
        call.arguments += event.argumentsDelta;
        if (passThrough) emit(event);
        break;
      }
      case 'finish':
        choice(event.choice).finishReason = event.reason;
        break;
      case 'usage':
        usage = event.usage;
        break;
    }
  }
  // The SDKs end an aborted stream quietly; a cut-off answer must not pass for a complete one.
  if (request.signal.aborted) throw new AppError('unavailable', 'the turn was cancelled', { reason: 'cancelled' });
  if (!choices.length) choice(0);
  for (const c of choices) {
    if (!c) continue;
    c.toolCalls = c.toolCalls.filter(Boolean);
    if (!c.finishReason) c.finishReason = c.toolCalls.length ? 'tool_calls' : 'stop';
  }
  return { choices, usage };
}

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
}
