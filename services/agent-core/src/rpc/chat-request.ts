import { randomUUID } from 'node:crypto';
import { AppError, ProtoSurface, type ChatRequest, type ProtoChatMessage } from '@cliver/common';
import type { ChatMessage, ContentPart } from '../agent/messages';
import type { TurnRequest } from '../agent/turn';
import type { SamplingOptions } from '../providers/provider';
import type { Surface } from '../tools/tool';

const SURFACES: Partial<Record<ProtoSurface, Surface>> = {
  [ProtoSurface.SURFACE_CLI]: 'cli',
  [ProtoSurface.SURFACE_API]: 'api',
  [ProtoSurface.SURFACE_IM]: 'im',
  [ProtoSurface.SURFACE_TASK]: 'task',
  [ProtoSurface.SURFACE_ADMIN]: 'admin',
};

function bad(field: string, message: string): never {
  throw new AppError('invalid_argument', `${field}: ${message}`, { field, reason: 'invalid_chat_request' });
}

function json(field: string, text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    bad(field, 'is not valid JSON');
  }
}

function toMessage(m: ProtoChatMessage, i: number): ChatMessage {
  const at = `messages[${i}]`;
  switch (m.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: m.content };
    case 'user': {
      if (!m.parts.length) return { role: 'user', content: m.content, ...(m.name ? { name: m.name } : {}) };
      const parts = m.parts.map((p, j): ContentPart => {
        if (p.type === 'text') return { type: 'text', text: p.text };
        if (p.type === 'image_url') return { type: 'image_url', url: p.imageUrl, ...(p.detail ? { detail: p.detail as 'auto' } : {}) };
        return bad(`${at}.content[${j}].type`, `must be text or image_url, got "${p.type}"`);
      });
      return { role: 'user', content: parts, ...(m.name ? { name: m.name } : {}) };
    }
    case 'assistant':
      return { role: 'assistant', content: m.contentNull ? null : m.content, ...(m.toolCalls.length ? { toolCalls: m.toolCalls } : {}) };
    case 'tool':
      if (!m.toolCallId) bad(`${at}.tool_call_id`, 'is required for a tool message');
      return { role: 'tool', toolCallId: m.toolCallId, name: m.name, content: m.content };
    default:
      return bad(`${at}.role`, `must be one of system, developer, user, assistant, tool; got "${m.role}"`);
  }
}

function toOptions(o: ChatRequest['options']): SamplingOptions {
  if (!o) return {};
  return {
    temperature: o.temperature,
    topP: o.topP,
    maxTokens: o.maxTokens,
    stop: o.stop.length ? o.stop : undefined,
    seed: o.seed,
    n: o.n > 1 ? o.n : undefined,
    presencePenalty: o.presencePenalty,
    frequencyPenalty: o.frequencyPenalty,
    responseFormat: json('options.response_format', o.responseFormatJson) as Record<string, unknown> | undefined,
    toolChoice: json('options.tool_choice', o.toolChoiceJson),
    parallelToolCalls: o.parallelToolCalls,
    user: o.user || undefined,
  };
}

/** Validates a gRPC ChatRequest and turns it into the agent's TurnRequest. */
export function toTurnRequest(req: ChatRequest): TurnRequest {
  const surface = SURFACES[req.surface];
  if (!surface) bad('surface', 'is required');
  if (!req.messages.length) bad('messages', 'must not be empty');
  const clientTools = req.clientTools.map((t, i) => {
    const parameters = json(`client_tools[${i}].parameters`, t.parametersJson) ?? { type: 'object', properties: {} };
    if (typeof parameters !== 'object' || Array.isArray(parameters)) bad(`client_tools[${i}].parameters`, 'must be a JSON object');
    return { name: t.name, description: t.description, parameters: parameters as Record<string, unknown>, strict: t.strict };
  });
  const o = req.origin;
  return {
    requestId: req.requestId || randomUUID(),
    surface,
    sessionId: req.sessionId || undefined,
    stateless: req.stateless,
    model: req.model || undefined,
    messages: req.messages.map(toMessage),
    options: toOptions(req.options),
    clientTools,
    origin: o && o.platform ? { platform: o.platform, channelId: o.channelId, threadId: o.threadId, userId: o.userId } : undefined,
    skills: req.skills,
    toolFilter: req.toolFilter,
    systemMessage: req.systemMessage || undefined,
    sessionTitle: req.sessionTitle || undefined,
    sessionKey: req.sessionKey || undefined,
    buffered: req.buffered,
  };
}
