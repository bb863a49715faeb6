import Anthropic from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsNonStreaming, MessageCreateParamsStreaming, MessageParam, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { ChatMessage, ContentPart } from '../agent/messages';
import type { CompletionRequest, Provider, StreamEvent } from './provider';
import { providerFetch } from './http-fetch';
import { CallDeadline } from './call-deadline';
import { toProviderError, toStreamBreakError, type ProviderErrorContext } from './provider-errors';
import { AppError } from '@cliver/common';

const STOP_REASONS: Record<string, string> = { end_turn: 'stop', stop_sequence: 'stop', tool_use: 'tool_calls', max_tokens: 'length', refusal: 'content_filter' };
// The Messages API requires max_tokens; used when neither config nor request sets it.
const DEFAULT_MAX_TOKENS = 4096;

type Block = Record<string, unknown>;

function imageBlock(p: Extract<ContentPart, { type: 'image_url' }>): Block {
  const data = /^data:([^;]+);base64,(.*)$/s.exec(p.url);
  return data
    ? { type: 'image', source: { type: 'base64', media_type: data[1], data: data[2] } }
    : { type: 'image', source: { type: 'url', url: p.url } };
}

function parseArgs(text: string): unknown {
  try {
    return JSON.parse(text || '{}');
  } catch {
    return {};
  }
}

/** System text goes to `system`; consecutive tool results become one user message of tool_result blocks. */
export function toAnthropicMessages(messages: ChatMessage[]): { system: string; messages: MessageParam[] } {
  const system: string[] = [];
  const out: Array<{ role: 'user' | 'assistant'; content: Block[] }> = [];
  const push = (role: 'user' | 'assistant', blocks: Block[]) => {
    const last = out.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  for (const m of messages) {
    if (m.role === 'system') system.push(m.content);
    else if (m.role === 'user') {
      push('user', typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content.map((p) => (p.type === 'text' ? { type: 'text', text: p.text } : imageBlock(p))));
    } else if (m.role === 'assistant') {
      const blocks: Block[] = m.content ? [{ type: 'text', text: m.content }] : [];
      for (const c of m.toolCalls ?? []) blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: parseArgs(c.arguments) });
      if (blocks.length) push('assistant', blocks);
    } else push('user', [{ type: 'tool_result', tool_use_id: m.toolCallId, content: m.content }]);
  }
  return { system: system.join('\n\n'), messages: out as unknown as MessageParam[] };
}

function body(req: CompletionRequest): MessageCreateParamsStreaming {
  const o = { ...req.model.options, ...req.options } as Record<string, unknown> & CompletionRequest['options'];
  if (o.n && o.n > 1) throw new AppError('invalid_argument', 'n > 1 is not supported by Anthropic models', { field: 'n', reason: 'unsupported_parameter' });
  const { system, messages } = toAnthropicMessages(req.messages);
  const b: Record<string, unknown> = {
    model: req.model.name,
    messages,
    max_tokens: o.maxTokens ?? o.max_tokens ?? DEFAULT_MAX_TOKENS,
    stream: true,
  };
  if (system) b.system = system;
  if (o.temperature !== undefined) b.temperature = o.temperature;
  if ((o.topP ?? o.top_p) !== undefined) b.top_p = o.topP ?? o.top_p;
  if (o.stop?.length) b.stop_sequences = o.stop;
  if (req.tools.length) {
    b.tools = req.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters }));
    if ((o.parallelToolCalls ?? o.parallel_tool_calls) === false) b.tool_choice = { type: 'auto', disable_parallel_tool_use: true };
  }
  return b as unknown as MessageCreateParamsStreaming;
}

function* eventsOfMessage(message: Message): Generator<StreamEvent> {
  let toolIndex = 0;
  for (const block of message.content) {
    if (block.type === 'text') yield { type: 'text', choice: 0, text: block.text };
    else if (block.type === 'tool_use') {
      yield { type: 'tool_call', choice: 0, index: toolIndex++, id: block.id, name: block.name, argumentsDelta: JSON.stringify(block.input ?? {}) };
    }
  }
  if (message.stop_reason) yield { type: 'finish', choice: 0, reason: STOP_REASONS[message.stop_reason] ?? message.stop_reason };
  const { input_tokens: prompt, output_tokens: completion } = message.usage;
  yield { type: 'usage', usage: { promptTokens: prompt, completionTokens: completion, totalTokens: prompt + completion } };
}

/** Anthropic's Messages API through the official SDK. */
export class AnthropicProvider implements Provider {
  private readonly client: Anthropic;

  constructor(private readonly ctx: ProviderErrorContext, apiUrl: string, apiKey: string | undefined) {
    // As in openai-provider.ts: retries are ours, and CallDeadline bounds the whole call.
    this.client = new Anthropic({
      apiKey: apiKey || 'not-set',
      baseURL: apiUrl.replace(/\/+$/, '').replace(/\/v1$/, ''),
      maxRetries: 0,
      timeout: ctx.timeoutMs,
      logLevel: 'off',
      fetch: providerFetch,
    });
  }

  async *stream(req: CompletionRequest): AsyncIterable<StreamEvent> {
    const deadline = new CallDeadline(req.signal, this.ctx.timeoutMs);
    try {
      if (req.stream === false) {
        let message: Message;
        try {
          message = await this.client.messages.create({ ...body(req), stream: false } as MessageCreateParamsNonStreaming, { signal: deadline.signal });
        } catch (err) {
          throw toProviderError(err, this.ctx, deadline.stopReason);
        }
        yield* eventsOfMessage(message);
        return;
      }
      let stream: AsyncIterable<RawMessageStreamEvent>;
      try {
        stream = await this.client.messages.create(body(req), { signal: deadline.signal });
      } catch (err) {
        throw toProviderError(err, this.ctx, deadline.stopReason);
      }
      yield* this.events(stream, deadline);
    } finally {
      deadline.dispose();
    }
  }

  private async *events(stream: AsyncIterable<RawMessageStreamEvent>, deadline: CallDeadline): AsyncIterable<StreamEvent> {
    let prompt = 0;
    let completion = 0;
    let toolIndex = -1;
    const toolBlocks = new Map<number, number>();
    try {
      for await (const e of stream) {
        deadline.extend();
        if (e.type === 'message_start') prompt = e.message.usage.input_tokens ?? 0;
        else if (e.type === 'content_block_start' && e.content_block.type === 'tool_use') {
          toolBlocks.set(e.index, ++toolIndex);
          yield { type: 'tool_call', choice: 0, index: toolIndex, id: e.content_block.id, name: e.content_block.name, argumentsDelta: '' };
        } else if (e.type === 'content_block_delta') {
          if (e.delta.type === 'text_delta') yield { type: 'text', choice: 0, text: e.delta.text };
          else if (e.delta.type === 'input_json_delta') {
            yield { type: 'tool_call', choice: 0, index: toolBlocks.get(e.index) ?? 0, argumentsDelta: e.delta.partial_json };
          }
        } else if (e.type === 'message_delta') {
          completion = e.usage.output_tokens ?? completion;
          if (e.delta.stop_reason) yield { type: 'finish', choice: 0, reason: STOP_REASONS[e.delta.stop_reason] ?? e.delta.stop_reason };
        }
      }
    } catch (err) {
      throw toStreamBreakError(err, this.ctx, deadline.stopReason);
    }
    // The SDK ends a stream quietly when its signal aborts; an answer cut short is no answer.
    if (deadline.stopReason) throw toStreamBreakError(undefined, this.ctx, deadline.stopReason);
    yield { type: 'usage', usage: { promptTokens: prompt, completionTokens: completion, totalTokens: prompt + completion } };
  }
}
