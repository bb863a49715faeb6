import { randomUUID } from 'node:crypto';
import { ChatRequest, ProtoSurface, type ProtoChatMessage } from '@cliver/common';
import type { ChatCompletionRequest, ChatMessage } from './request-schema';

type Part = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string; detail?: string } };

function text(content: string | Part[] | null | undefined): string {
  if (content == null) return '';
  return typeof content === 'string' ? content : content.map((p) => (p.type === 'text' ? p.text : '')).join('');
}

function toProto(m: ChatMessage): Partial<ProtoChatMessage> {
  switch (m.role) {
    case 'system':
    case 'developer':
      return { role: m.role, content: text(m.content), name: m.name ?? '' };
    case 'user':
      return typeof m.content === 'string'
        ? { role: 'user', content: m.content, name: m.name ?? '' }
        : {
            role: 'user',
            name: m.name ?? '',
            parts: m.content.map((p) =>
              p.type === 'text' ? { type: 'text', text: p.text, imageUrl: '', detail: '' } : { type: 'image_url', text: '', imageUrl: p.image_url.url, detail: p.image_url.detail ?? '' },
            ),
          };
    case 'assistant':
      return {
        role: 'assistant',
        content: text(m.content),
        contentNull: m.content == null,
        toolCalls: (m.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })),
      };
    case 'tool':
      return { role: 'tool', content: text(m.content), toolCallId: m.tool_call_id };
  }
}

/**
 * With a stored session the agent already has the history, so only the client's system text and
 * what follows the last assistant message are new input.
 */
function newInput(messages: ChatMessage[]): ChatMessage[] {
  const lastAssistant = messages.map((m) => m.role).lastIndexOf('assistant');
  return messages.filter((m, i) => i > lastAssistant || m.role === 'system' || m.role === 'developer');
}

const json = (value: unknown) => (value === undefined || value === null ? '' : JSON.stringify(value));

/**
 * Stored sessions keep user and assistant text only, so a conversation that carries tool calls
 * (client tools, tool results) cannot be continued from one: such a request is served from the
 * messages it sends, like a stateless one, and stores nothing.
 */
function usesTools(body: ChatCompletionRequest): boolean {
  return !!body.tools?.length || body.messages.some((m) => m.role === 'tool' || (m.role === 'assistant' && !!m.tool_calls?.length));
}

export function toChatRequest(body: ChatCompletionRequest, requestedKey: string | undefined, requestId = randomUUID()): ChatRequest {
  const sessionKey = requestedKey && !usesTools(body) ? requestedKey : undefined;
  const stop = body.stop == null ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop;
  return ChatRequest.fromPartial({
    requestId,
    surface: ProtoSurface.SURFACE_API,
    buffered: !body.stream,
    stateless: !sessionKey,
    sessionKey: sessionKey ?? '',
    model: body.model,
    messages: (sessionKey ? newInput(body.messages) : body.messages).map(toProto),
    clientTools: (body.tools ?? []).map((t) => ({
      name: t.function.name,
      description: t.function.description ?? '',
      parametersJson: json(t.function.parameters),
      strict: t.function.strict ?? false,
    })),
    options: {
      temperature: body.temperature ?? undefined,
      topP: body.top_p ?? undefined,
      maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
      stop,
      seed: body.seed ?? undefined,
      n: body.n ?? 1,
      presencePenalty: body.presence_penalty ?? undefined,
      frequencyPenalty: body.frequency_penalty ?? undefined,
      responseFormatJson: json(body.response_format),
      toolChoiceJson: body.tools?.length ? json(body.tool_choice) : '',
      parallelToolCalls: body.parallel_tool_calls ?? undefined,
      user: body.user ?? '',
    },
  });
}
