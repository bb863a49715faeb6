import type { ServerResponse } from 'node:http';
import { estimateTokens, planCompletion, slices, type Turn } from './completion';
import { sendFrames, sendJson, startSse, waitBeforeAnswer } from './respond';
import type { ErrorSpec } from './types';
import { nextId, num, retryHeaders, sendRawError, stopList, type ChatWire } from './wire';

interface Block {
  type?: unknown;
  text?: unknown;
  input?: unknown;
  content?: unknown;
}

interface Message {
  role?: unknown;
  content?: unknown;
}

function blocks(content: unknown): Block[] {
  return Array.isArray(content) ? (content as Block[]) : [];
}

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  let out = '';
  for (const b of blocks(content)) {
    if (b.type === 'text' && typeof b.text === 'string') out += (out ? '\n' : '') + b.text;
  }
  return out;
}

const ERRORS: Record<number, { type: string; message: string }> = {
  400: { type: 'invalid_request_error', message: 'Invalid request (scripted by fake-llm).' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  429: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit (scripted by fake-llm).' },
  500: { type: 'api_error', message: 'Internal server error' },
  503: { type: 'overloaded_error', message: 'Overloaded' },
};

const STOP_REASON = { stop: 'end_turn', stop_sequence: 'stop_sequence', length: 'max_tokens', tool_calls: 'tool_use' } as const;

function parseInput(args: string): unknown {
  try {
    return JSON.parse(args);
  } catch {
    // Scripted malformed arguments stay malformed, so the gateway's handling of them can be tested.
    return args;
  }
}

const sse = (type: string, data: unknown) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;

export const anthropicWire: ChatWire = {
  api: 'anthropic',

  invalid(body) {
    if (typeof body.model !== 'string') return { message: 'model: Field required', param: 'model' };
    if (num(body.max_tokens) === undefined) return { message: 'max_tokens: Field required', param: 'max_tokens' };
    if (!Array.isArray(body.messages)) return { message: 'messages: Field required', param: 'messages' };
    return undefined;
  },

  turn(body): Turn {
    const messages = body.messages as Message[];
    let chars = text(body.system).length;
    for (const m of messages) {
      chars += text(m.content).length;
      for (const b of blocks(m.content)) {
        if (b.type === 'tool_result') chars += text(b.content).length;
        else if (b.type === 'tool_use') chars += JSON.stringify(b.input ?? {}).length;
      }
    }
    let lastUserText = '';
    for (let i = messages.length - 1; i >= 0 && !lastUserText; i--) {
      if (messages[i].role === 'user') lastUserText = text(messages[i].content);
    }
    const last = messages[messages.length - 1];
    const results = last?.role === 'user' ? blocks(last.content).filter((b) => b.type === 'tool_result') : [];
    const toolResultText = results.length > 0 ? results.map((b) => text(b.content)).join('\n') : undefined;
    return { model: body.model as string, lastUserText, toolResultText, promptTokens: estimateTokens(chars) };
  },

  sendError(res: ServerResponse, spec: ErrorSpec) {
    if (sendRawError(res, spec)) return;
    const d = ERRORS[spec.status] ?? ERRORS[500];
    const contextLength = spec.type === 'context_length_exceeded';
    const message = spec.message ?? (contextLength ? 'prompt is too long: 210000 tokens > 200000 maximum' : d.message);
    const type = contextLength ? 'invalid_request_error' : spec.type ?? d.type;
    sendJson(res, spec.status, { type: 'error', error: { type, message } }, retryHeaders(spec));
  },

  async answer(res, body, reply, turn, pace, signal) {
    const plan = planCompletion(reply, { maxTokens: num(body.max_tokens), stop: stopList(body.stop_sequences) });
    const calls = plan.toolCalls.map((c) => ({ id: c.id ?? nextId('toolu_fake'), name: c.name, args: c.args }));
    const withText = plan.text !== '' || calls.length === 0;
    const usage = { input_tokens: turn.promptTokens, output_tokens: plan.completionTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    const message = {
      id: nextId('msg_fake'),
      type: 'message',
      role: 'assistant',
      model: turn.model,
      content: [] as unknown[],
      stop_reason: STOP_REASON[plan.finish] as string | null,
      stop_sequence: plan.stopSequence,
      usage,
    };

    if (body.stream !== true) {
      if (!(await waitBeforeAnswer(res, pace, plan.pieces.length + 4, signal))) return;
      if (withText) message.content.push({ type: 'text', text: plan.text });
      for (const c of calls) message.content.push({ type: 'tool_use', id: c.id, name: c.name, input: parseInput(c.args) });
      sendJson(res, 200, message);
      return;
    }

    const frames = [sse('message_start', { type: 'message_start', message: { ...message, stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } })];
    let index = 0;
    const open = (block: unknown) => {
      frames.push(sse('content_block_start', { type: 'content_block_start', index, content_block: block }));
      if (index === 0) frames.push(sse('ping', { type: 'ping' }));
    };
    const delta = (d: unknown) => frames.push(sse('content_block_delta', { type: 'content_block_delta', index, delta: d }));
    const close = () => frames.push(sse('content_block_stop', { type: 'content_block_stop', index: index++ }));
    if (withText) {
      open({ type: 'text', text: '' });
      for (const piece of plan.pieces) delta({ type: 'text_delta', text: piece });
      close();
    }
    for (const c of calls) {
      open({ type: 'tool_use', id: c.id, name: c.name, input: {} });
      for (const part of slices(c.args, 8)) delta({ type: 'input_json_delta', partial_json: part });
      close();
    }
    frames.push(sse('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence },
      usage: { output_tokens: plan.completionTokens },
    }));
    frames.push(sse('message_stop', { type: 'message_stop' }));
    startSse(res);
    await sendFrames(res, frames, pace, signal);
  },
};
