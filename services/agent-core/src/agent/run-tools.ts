import { AppError, type Logger } from '@cliver/common';
import type { Tool, ToolContext } from '../tools/tool';
import type { ChatMessage, ToolCall } from './messages';
import type { Emit } from './turn';

// What the model and the event stream get of a long result; the model gets more than a display.
const MAX_RESULT_CHARS = 100_000;
const MAX_EVENT_CHARS = 2_000;

function parseArguments(call: ToolCall): unknown {
  try {
    return JSON.parse(call.arguments || '{}');
  } catch (err) {
    throw new AppError('invalid_argument', `the arguments of ${call.name} are not valid JSON: ${(err as Error).message}`, {
      reason: 'invalid_tool_arguments',
    });
  }
}

async function runOne(call: ToolCall, tools: Map<string, Tool>, ctx: ToolContext, emit: Emit, log: Logger): Promise<ChatMessage> {
  const started = Date.now();
  emit({ type: 'tool_started', callId: call.id, tool: call.name, arguments: call.arguments });
  let result = '';
  let error = '';
  try {
    const tool = tools.get(call.name);
    if (!tool) throw new AppError('not_found', `unknown tool "${call.name}"; available: ${[...tools.keys()].join(', ') || 'none'}`);
    result = await tool.execute(parseArguments(call), ctx);
    if (result.length > MAX_RESULT_CHARS) result = `${result.slice(0, MAX_RESULT_CHARS)}\n[truncated: ${result.length} characters]`;
  } catch (err) {
    const e = AppError.from(err);
    if (e.code === 'internal') log.error({ err, tool: call.name }, 'tool failed');
    error = e.code === 'internal' ? `${call.name} failed unexpectedly` : e.message;
  }
  const durationMs = Date.now() - started;
  emit({ type: 'tool_finished', callId: call.id, tool: call.name, durationMs, result: result.slice(0, MAX_EVENT_CHARS), error });
  log.debug({ tool: call.name, durationMs, failed: !!error }, 'tool call finished');
  // A failed tool is reported to the model as its result, so it can correct itself.
  return { role: 'tool', toolCallId: call.id, name: call.name, content: error ? `Error: ${error}` : result };
}

/** Runs the model's tool calls concurrently (they are independent by the model's contract). */
export function runTools(calls: ToolCall[], tools: Tool[], ctx: ToolContext, emit: Emit, log: Logger): Promise<ChatMessage[]> {
  const byName = new Map(tools.map((t) => [t.name, t]));
  return Promise.all(calls.map((call) => runOne(call, byName, ctx, emit, log)));
}
