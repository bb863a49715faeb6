import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ChatMessage } from '../agent/messages';
import type { CompletionRequest, Provider, StreamEvent } from './provider';
import { providerFetch } from './http-fetch';
import { CallDeadline } from './call-deadline';
import { toProviderError, toStreamBreakError, type ProviderErrorContext } from './provider-errors';

function toWire(m: ChatMessage): ChatCompletionMessageParam {
  switch (m.role) {
    case 'system':
      return { role: 'system', content: m.content };
    case 'user':
      return {
        role: 'user',
        ...(m.name ? { name: m.name } : {}),
        content:
          typeof m.content === 'string'
            ? m.content
            : m.content.map((p) => (p.type === 'text' ? { type: 'text' as const, text: p.text } : { type: 'image_url' as const, image_url: { url: p.url, ...(p.detail ? { detail: p.detail } : {}) } })),
      };
    case 'assistant':
      return {
        role: 'assistant',
        content: m.content,
        ...(m.toolCalls?.length
          ? { tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })) }
          : {}),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
  }
}

/** Builds the request body; sampling options are sent only when set (config defaults, then the request). */
export function openAiBody(req: CompletionRequest): ChatCompletionCreateParamsStreaming {
  const o = { ...req.model.options, ...req.options } as Record<string, unknown> & CompletionRequest['options'];
  const body: ChatCompletionCreateParamsStreaming = {
    model: req.model.name,
    messages: req.messages.map(toWire),
    stream: true,
    stream_options: { include_usage: true },
  };
  const set = <K extends keyof ChatCompletionCreateParamsStreaming>(key: K, value: unknown) => {
    if (value !== undefined && value !== null) (body as unknown as Record<string, unknown>)[key] = value;
  };
  set('temperature', o.temperature);
  set('top_p', o.topP ?? o.top_p);
  set('max_tokens', o.maxTokens ?? o.max_tokens);
  set('stop', o.stop?.length ? o.stop : undefined);
  set('seed', o.seed);
  set('n', o.n && o.n > 1 ? o.n : undefined);
  set('presence_penalty', o.presencePenalty ?? o.presence_penalty);
  set('frequency_penalty', o.frequencyPenalty ?? o.frequency_penalty);
  set('response_format', o.responseFormat);
  set('user', o.user || undefined);
  if (req.tools.length) {
    body.tools = req.tools.map((t) => ({
      type: 'function',
      function: { name: t.name, description: t.description, parameters: t.parameters, ...(t.strict ? { strict: true } : {}) },
    }));
    set('tool_choice', o.toolChoice);
    set('parallel_tool_calls', o.parallelToolCalls ?? o.parallel_tool_calls);
  }
  return body;
}

function* eventsOf(chunk: ChatCompletionChunk): Generator<StreamEvent> {
  for (const choice of chunk.choices ?? []) {
    const d = choice.delta;
    if (d?.content) yield { type: 'text', choice: choice.index, text: d.content };
    for (const call of d?.tool_calls ?? []) {
      yield { type: 'tool_call', choice: choice.index, index: call.index, id: call.id, name: call.function?.name, argumentsDelta: call.function?.arguments ?? '' };
    }
    if (choice.finish_reason) yield { type: 'finish', choice: choice.index, reason: choice.finish_reason };
  }
  if (chunk.usage) {
    const u = chunk.usage;
    yield { type: 'usage', usage: { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens, totalTokens: u.total_tokens } };
  }
}

function* eventsOfCompletion(completion: ChatCompletion): Generator<StreamEvent> {
  for (const choice of completion.choices) {
    const m = choice.message;
    if (m.content) yield { type: 'text', choice: choice.index, text: m.content };
    const calls = m.tool_calls ?? [];
    for (let index = 0; index < calls.length; index++) {
      const call = calls[index]!;
      if (call.type !== 'function') continue;
      yield { type: 'tool_call', choice: choice.index, index, id: call.id, name: call.function.name, argumentsDelta: call.function.arguments };
    }
    if (choice.finish_reason) yield { type: 'finish', choice: choice.index, reason: choice.finish_reason };
  }
  const u = completion.usage;
  if (u) yield { type: 'usage', usage: { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens, totalTokens: u.total_tokens } };
}

/** Ollama serves its OpenAI-compatible API under /v1; the original's config names the bare host. */
function baseUrlFor(type: string, apiUrl: string): string {
  const url = apiUrl.replace(/\/+$/, '');
  return type === 'ollama' && !/\/v1$/.test(url) ? `${url}/v1` : url;
}

/** Any OpenAI-compatible API (OpenAI, Ollama, vLLM, DeepSeek, ...) through the official SDK. */
export class OpenAiProvider implements Provider {
  private readonly client: OpenAI;

  constructor(private readonly ctx: ProviderErrorContext, type: string, apiUrl: string, apiKey: string | undefined) {
    // Retries are ours (retrying-provider.ts), so that Retry-After is capped and counted once;
    // the SDK's console logging is off because every failure is mapped and logged by us.
    // Its timeout only covers the wait for headers; CallDeadline covers the whole call.
    this.client = new OpenAI({ apiKey: apiKey || 'not-needed', baseURL: baseUrlFor(type, apiUrl), maxRetries: 0, timeout: ctx.timeoutMs, logLevel: 'off', fetch: providerFetch });
  }

  async *stream(req: CompletionRequest): AsyncIterable<StreamEvent> {
    const deadline = new CallDeadline(req.signal, this.ctx.timeoutMs);
    try {
      if (req.stream === false) {
        const { stream: _stream, stream_options: _options, ...body } = openAiBody(req);
        let completion: ChatCompletion;
        try {
          completion = await this.client.chat.completions.create({ ...body, stream: false }, { signal: deadline.signal });
        } catch (err) {
          throw toProviderError(err, this.ctx, deadline.stopReason);
        }
        yield* eventsOfCompletion(completion);
        return;
      }
      let stream;
      try {
        stream = await this.client.chat.completions.create(openAiBody(req), { signal: deadline.signal });
      } catch (err) {
        throw toProviderError(err, this.ctx, deadline.stopReason);
      }
      try {
        for await (const chunk of stream) {
          deadline.extend();
          yield* eventsOf(chunk);
        }
      } catch (err) {
        throw toStreamBreakError(err, this.ctx, deadline.stopReason);
      }
      // The SDK ends a stream quietly when its signal aborts; an answer cut short is no answer.
      if (deadline.stopReason) throw toStreamBreakError(undefined, this.ctx, deadline.stopReason);
    } finally {
      deadline.dispose();
    }
  }
}
