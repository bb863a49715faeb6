import type { ModelInfo } from '../providers/model-catalog';
import type { ToolSpec } from '../providers/provider';
import type { Tool } from '../tools/tool';
import type { ChatMessage, TokenUsage } from './messages';
import type { TurnRequest } from './turn';

/** The session a turn belongs to, as the loop needs it. */
export interface TurnSession {
  id: string;
  created: boolean;
  /** Session options (e.g. task_name when the session is linked to a task). */
  options: Record<string, unknown>;
}

/** Where conversations are kept (sessions/). */
export interface SessionPort {
  /** Opens or creates the session of a request; undefined for stateless requests. */
  open(request: TurnRequest): TurnSession | undefined;
  /**
   * The history to send before the new input, compressed so that it, the input and `overhead`
   * (the system text and tool schemas that go with every call) fit the model's window.
   */
  history(session: TurnSession, input: ChatMessage[], model: ModelInfo, signal: AbortSignal, overhead: PromptOverhead): Promise<ChatMessage[]>;
  /** Appends the user's input and the final answer, and runs `commit`, as one transaction. */
  record(session: TurnSession, userText: string, assistantText: string, usage: TokenUsage, model: ModelInfo, commit?: () => void): void;
}

/** What goes to the model with every call besides the conversation. */
export interface PromptOverhead {
  system: string;
  tools: ToolSpec[];
}

/**
 * The per-turn view of skills, tools and prompt text. The loop reads both before every model
 * call: a skill the model activates in the middle of a turn restricts the tools and adds its
 * instructions from the next call of that same turn on.
 */
export interface TurnSetup {
  readonly system: string;
  readonly tools: Tool[];
}

/** Builds the system text and tool list of a turn (skills, memory, identity, MCP, surface rules). */
export interface SetupPort {
  setup(request: TurnRequest, session: TurnSession | undefined): Promise<TurnSetup> | TurnSetup;
}
