import type { ChatResponse } from '@cliver/common';

/** What every completion response carries, streamed or not. */
export interface CompletionMeta {
  id: string;
  created: number;
  /** The requested model until agent-core names the one that answers. */
  model: string;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function usageOf(done: NonNullable<ChatResponse['done']>): Usage {
  const u = done.usage;
  return { prompt_tokens: u?.promptTokens ?? 0, completion_tokens: u?.completionTokens ?? 0, total_tokens: u?.totalTokens ?? 0 };
}
