import type { ChatMessage, TokenUsage } from '../agent/messages';
import type { ModelInfo } from './model-catalog';

/** A tool as the model sees it. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  strict?: boolean;
}

export interface SamplingOptions {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  seed?: number;
  n?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  /** OpenAI `response_format` object. */
  responseFormat?: Record<string, unknown>;
  /** OpenAI `tool_choice` value. */
  toolChoice?: unknown;
  user?: string;
  /** OpenAI `parallel_tool_calls`: false asks for at most one tool call per answer; unset leaves the provider's default. */
  parallelToolCalls?: boolean;
}

export interface CompletionRequest {
  model: ModelInfo;
  messages: ChatMessage[];
  tools: ToolSpec[];
  options: SamplingOptions;
  signal: AbortSignal;
  /** False: ask for the whole answer at once (nobody reads the deltas); it is cheaper. */
  stream?: boolean;
}

/** What a provider streams back, normalised across wire formats. */
export type StreamEvent =
  | { type: 'text'; choice: number; text: string }
  | { type: 'tool_call'; choice: number; index: number; id?: string; name?: string; argumentsDelta: string }
  | { type: 'finish'; choice: number; reason: string }
  | { type: 'usage'; usage: TokenUsage };

/** One LLM API. Errors are thrown as AppError (see provider-errors.ts). */
export interface Provider {
  stream(request: CompletionRequest): AsyncIterable<StreamEvent>;
}
