import type { ModelInfo } from '../providers/model-catalog';
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
  /** The history to send before the new input, compressed to fit the model's window. */
  history(session: TurnSession, input: ChatMessage[], model: ModelInfo, signal: AbortSignal): Promise<ChatMessage[]>;
  /** Appends the user's input and the final answer as one transaction. */
  record(session: TurnSession, userText: string, assistantText: string, usage: TokenUsage, model: ModelInfo): void;
}

/** The per-turn view of skills, tools and prompt text. */
export interface TurnSetup {
  system: string;
  tools: Tool[];
}

/** Builds the system text and tool list of a turn (skills, memory, identity, MCP, surface rules). */
export interface SetupPort {
  setup(request: TurnRequest, session: TurnSession | undefined): Promise<TurnSetup> | TurnSetup;
}
