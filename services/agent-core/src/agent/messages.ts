/**
 * Provider-neutral conversation messages. Providers translate these to and from their wire
 * format; sessions store the user/assistant text of each turn.
 */
export interface ToolCall {
  /** The id the provider gave the call; passed back unchanged with its result. */
  id: string;
  name: string;
  /** Arguments as the model produced them: JSON text (possibly invalid). */
  arguments: string;
}

export type ContentPart = { type: 'text'; text: string } | { type: 'image_url'; url: string; detail?: 'auto' | 'low' | 'high' };

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | ContentPart[]; name?: string }
  | { role: 'assistant'; content: string | null; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string };

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** Plain text of a message, for token counting and summaries. */
export function messageText(m: ChatMessage): string {
  if (m.role === 'assistant') return [m.content ?? '', ...(m.toolCalls ?? []).map((c) => `${c.name}(${c.arguments})`)].join('\n');
  if (typeof m.content === 'string') return m.content;
  return m.content.map((p) => (p.type === 'text' ? p.text : '[image]')).join('\n');
}
