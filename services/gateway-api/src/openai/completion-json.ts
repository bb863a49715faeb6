import type { ChatResponse } from '@cliver/common';
import { usageOf, type CompletionMeta } from './completion-events';

interface ChoiceState {
  content: string;
  hasContent: boolean;
  toolCalls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
  finishReason: string;
}

/** Collects a turn's events into one `chat.completion` object. */
export class CompletionCollector {
  private readonly choices: ChoiceState[] = [];
  private done: ChatResponse['done'];
  private model: string | undefined;

  event(e: ChatResponse): void {
    if (e.started) this.model = e.started.model;
    else if (e.text) {
      const c = this.choice(e.text.choiceIndex);
      c.content += e.text.text;
      c.hasContent = true;
    } else if (e.toolCall) {
      const calls = this.choice(e.toolCall.choiceIndex).toolCalls;
      const call = (calls[e.toolCall.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
      if (e.toolCall.id) call.id = e.toolCall.id;
      if (e.toolCall.name) call.function.name += e.toolCall.name;
      call.function.arguments += e.toolCall.argumentsDelta;
    } else if (e.choiceFinished) this.choice(e.choiceFinished.choiceIndex).finishReason = e.choiceFinished.finishReason;
    else if (e.done) this.done = e.done;
  }

  toJson(meta: CompletionMeta): Record<string, unknown> {
    if (!this.choices.length) this.choice(0);
    return {
      id: meta.id,
      object: 'chat.completion',
      created: meta.created,
      model: this.model ?? meta.model,
      system_fingerprint: null,
      choices: this.choices.map((c, index) => ({
        index,
        message: {
          role: 'assistant',
          // Only tool calls and no text: null, exactly as OpenAI sends it.
          content: c.hasContent || !c.toolCalls.length ? c.content : null,
          refusal: null,
          ...(c.toolCalls.length ? { tool_calls: c.toolCalls.filter(Boolean) } : {}),
        },
        logprobs: null,
        finish_reason: c.finishReason || 'stop',
      })),
      usage: this.done ? usageOf(this.done) : { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    };
  }

  private choice(i: number): ChoiceState {
    return (this.choices[i] ??= { content: '', hasContent: false, toolCalls: [], finishReason: '' });
  }
}
