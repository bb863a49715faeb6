import type { ImOrigin, Surface, Tool } from '../tools/tool';
import type { SamplingOptions, ToolSpec } from '../providers/provider';
import type { ChatMessage, TokenUsage } from './messages';

/** One turn of the agent, as every surface (CLI, API, IM, task, admin chat) asks for it. */
export interface TurnRequest {
  requestId: string;
  surface: Surface;
  sessionId?: string;
  /** Load and store nothing (OpenAI API requests without a session). */
  stateless: boolean;
  model?: string;
  /** CLI/IM/task: the new user message. API: the whole conversation the client sent. */
  messages: ChatMessage[];
  options: SamplingOptions;
  /** Caller-defined tools: one model call, tool calls returned to the caller, no agent tools. */
  clientTools: ToolSpec[];
  origin?: ImOrigin;
  skills: string[];
  toolFilter: string[];
  systemMessage?: string;
  sessionTitle?: string;
  /** Continues (or creates) the session stored under this caller-chosen key. */
  sessionKey?: string;
  /** The caller wants only the finished answer: the provider may answer without streaming. */
  buffered?: boolean;
  /**
   * Runs in the same transaction that stores the turn (IM: the reply's outbox entry and the
   * message's `done`), so a crash leaves either all of it or none: a turn is never answered
   * twice nor stored without its reply.
   */
  onCommit?: (answer: string) => void;
  /** Tools of this turn only, on top of the gateway's (an IM turn's SendFile writes into its own reply). */
  turnTools?: Tool[];
}

export type TurnEvent =
  | { type: 'started'; model: string }
  | { type: 'session'; sessionId: string; created: boolean }
  | { type: 'text'; choice: number; text: string }
  | { type: 'tool_call'; choice: number; index: number; id?: string; name?: string; argumentsDelta: string }
  | { type: 'tool_started'; callId: string; tool: string; arguments: string }
  | { type: 'tool_finished'; callId: string; tool: string; durationMs: number; result: string; error: string }
  | { type: 'choice_finished'; choice: number; reason: string };

export interface TurnResult {
  model: string;
  usage: TokenUsage;
  /** Final assistant text of choice 0. */
  text: string;
  iterations: number;
}

export type Emit = (event: TurnEvent) => void;
