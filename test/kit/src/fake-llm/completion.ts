import type { ToolCallSpec } from './types';

/** What the wires extract from a chat request; provider-neutral so scripting works the same for both. */
export interface Turn {
  model: string;
  /** Text of the last user message that has text (tool-result-only messages are skipped). */
  lastUserText: string;
  /** Set when the conversation ends with tool results, i.e. the model is asked to continue after a tool call. */
  toolResultText?: string;
  promptTokens: number;
}

export interface Limits {
  maxTokens?: number;
  stop?: string[];
}

export interface PlannedCall {
  id?: string;
  name: string;
  args: string;
}

export interface Plan {
  /** The answer text split into the pieces that are streamed and counted as tokens. */
  pieces: string[];
  text: string;
  toolCalls: PlannedCall[];
  finish: 'stop' | 'length' | 'tool_calls' | 'stop_sequence';
  stopSequence: string | null;
  completionTokens: number;
}

// A word with its trailing space is one "token": cheap, deterministic, and close enough to BPE counts
// for tests that only compare usage against max_tokens.
const TOKEN = /\S+\s*|\s+/g;

export function splitTokens(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

export function estimateTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

/** Cuts a string into fixed-size slices, as providers stream tool arguments in small deltas. */
export function slices(s: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

function firstStop(text: string, stop: string[] | undefined): { at: number; seq: string } | undefined {
  let best: { at: number; seq: string } | undefined;
  for (const seq of stop ?? []) {
    if (!seq) continue;
    const at = text.indexOf(seq);
    if (at >= 0 && (!best || at < best.at)) best = { at, seq };
  }
  return best;
}

/**
 * Applies stop sequences, then the token budget. A cut answer drops its tool calls, because a real model
 * would not have reached them; tool-call tokens count in usage but never trigger "length".
 */
export function planCompletion(reply: { text?: string; toolCalls?: ToolCallSpec[] }, limits: Limits): Plan {
  let text = reply.text ?? '';
  let toolCalls: PlannedCall[] = (reply.toolCalls ?? []).map((c) => ({
    id: c.id,
    name: c.name,
    args: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
  }));
  let finish: Plan['finish'] = toolCalls.length > 0 ? 'tool_calls' : 'stop';
  let stopSequence: string | null = null;

  const hit = firstStop(text, limits.stop);
  if (hit) {
    text = text.slice(0, hit.at);
    toolCalls = [];
    finish = 'stop_sequence';
    stopSequence = hit.seq;
  }
  let pieces = splitTokens(text);
  if (limits.maxTokens !== undefined && pieces.length > limits.maxTokens) {
    pieces = pieces.slice(0, Math.max(0, limits.maxTokens));
    text = pieces.join('');
    toolCalls = [];
    finish = 'length';
    stopSequence = null;
  }
  const toolTokens = toolCalls.reduce((n, c) => n + estimateTokens(c.name.length + c.args.length), 0);
  return { pieces, text, toolCalls, finish, stopSequence, completionTokens: pieces.length + toolTokens };
}
