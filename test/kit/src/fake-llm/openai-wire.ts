import type { ServerResponse } from 'node:http';
import { estimateTokens, planCompletion, slices, type Plan, type Turn } from './completion';
import { sendFrames, sendJson, startSse, waitBeforeAnswer } from './respond';
import type { ErrorSpec } from './types';
import { nextId, num, retryHeaders, sendRawError, stopList, type ChatWire } from './wire';

interface Message {
  role?: unknown;
  content?: unknown;
  tool_calls?: Array<{ function?: { arguments?: unknown } }>;
}

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const part of content) {
    if (part && part.type === 'text' && typeof part.text === 'string') out += (out ? '\n' : '') + part.text;
  }
  return out;
}

const ERRORS: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request (scripted by fake-llm).' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached (scripted by fake-llm).' },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request.' },
  503: { type: 'server_error', code: 'service_unavailable', message: 'The engine is currently overloaded.' },
};

const FINISH = { stop: 'stop', stop_sequence: 'stop', length: 'length', tool_calls: 'tool_calls' } as const;

function toolCalls(plan: Plan) {
  return plan.toolCalls.map((c) => ({ id: c.id ?? nextId('call_fake'), type: 'function' as const, name: c.name, args: c.args }));
}

/** The deltas of one choice, in order; the same list is replayed for every choice when n > 1. */
function deltas(plan: Plan): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const calls = toolCalls(plan);
  out.push({ role: 'assistant', content: calls.length > 0 && !plan.text ? null : '' });
  for (const piece of plan.pieces) out.push({ content: piece });
  calls.forEach((c, index) => {
    out.push({ tool_calls: [{ index, id: c.id, type: c.type, function: { name: c.name, arguments: '' } }] });
    for (const part of slices(c.args, 8)) out.push({ tool_calls: [{ index, function: { arguments: part } }] });
  });
  return out;
}

export const openaiWire: ChatWire = {
  api: 'openai',

  invalid(body) {
    if (typeof body.model !== 'string') return { message: 'you must provide a model parameter', param: 'model' };
    if (!Array.isArray(body.messages)) return { message: "Missing required parameter: 'messages'.", param: 'messages' };
    return undefined;
  },

  turn(body): Turn {
    const messages = body.messages as Message[];
    let chars = 0;
    let lastUserText = '';
    for (const m of messages) {
      chars += text(m.content).length;
      for (const call of m.tool_calls ?? []) chars += String(call.function?.arguments ?? '').length;
    }
    for (let i = messages.length - 1; i >= 0 && !lastUserText; i--) {
      if (messages[i].role === 'user') lastUserText = text(messages[i].content);
    }
    let toolResultText: string | undefined;
    for (let i = messages.length - 1; i >= 0 && messages[i].role === 'tool'; i--) {
      const t = text(messages[i].content);
      toolResultText = toolResultText === undefined ? t : `${t}\n${toolResultText}`;
    }
    return { model: body.model as string, lastUserText, toolResultText, promptTokens: estimateTokens(chars) };
  },

  sendError(res: ServerResponse, spec: ErrorSpec, param?: string) {
    if (sendRawError(res, spec)) return;
    const d = ERRORS[spec.status] ?? ERRORS[500];
    const contextLength = spec.type === 'context_length_exceeded';
    const message = spec.message ?? (contextLength
      ? "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages."
      : d.message);
    const error = {
      message,
      type: contextLength ? 'invalid_request_error' : spec.type ?? d.type,
      param: param ?? (contextLength ? 'messages' : null),
      code: spec.type ?? d.code,
    };
    sendJson(res, spec.status, { error }, retryHeaders(spec));
  },

  async answer(res, body, reply, turn, pace, signal) {
    const n = Math.max(1, Math.min(num(body.n) ?? 1, 128));
    const plan = planCompletion(reply, {
      maxTokens: num(body.max_completion_tokens) ?? num(body.max_tokens),
      stop: stopList(body.stop),
    });
    const id = nextId('chatcmpl-fake');
    const created = Math.floor(Date.now() / 1000);
    const model = turn.model;
    const completionTokens = plan.completionTokens * n;
    const usage = { prompt_tokens: turn.promptTokens, completion_tokens: completionTokens, total_tokens: turn.promptTokens + completionTokens };
    const finish = FINISH[plan.finish];

    if (body.stream !== true) {
      if (!(await waitBeforeAnswer(res, pace, plan.pieces.length + 2, signal))) return;
      const calls = toolCalls(plan).map((c) => ({ id: c.id, type: c.type, function: { name: c.name, arguments: c.args } }));
      const message = {
        role: 'assistant',
        content: calls.length > 0 && !plan.text ? null : plan.text,
        refusal: null,
        ...(calls.length > 0 ? { tool_calls: calls } : {}),
      };
      const choices = Array.from({ length: n }, (_, index) => ({ index, message, logprobs: null, finish_reason: finish }));
      sendJson(res, 200, { id, object: 'chat.completion', created, model, choices, usage, system_fingerprint: null });
      return;
    }

    const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    const head = `{"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"system_fingerprint":null`;
    const tail = includeUsage ? ',"usage":null}' : '}';
    const frame = (choices: unknown[]) => `data: ${head},"choices":${JSON.stringify(choices)}${tail}\n\n`;
    const frames: string[] = [];
    const steps = deltas(plan);
    for (const delta of steps) {
      for (let index = 0; index < n; index++) frames.push(frame([{ index, delta, logprobs: null, finish_reason: null }]));
    }
    for (let index = 0; index < n; index++) frames.push(frame([{ index, delta: {}, logprobs: null, finish_reason: finish }]));
    if (includeUsage) frames.push(`data: ${head},"choices":[],"usage":${JSON.stringify(usage)}}\n\n`);
    frames.push('data: [DONE]\n\n');
    startSse(res);
    await sendFrames(res, frames, pace, signal);
  },
};
