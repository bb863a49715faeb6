import type { z } from 'zod';
import type { ChatCompletionFields } from './request-schema';

// Tool-conversation shapes OpenAI refuses, refused here too: passed on, they fail at the
// provider (or worse, are answered from a conversation that makes no sense) instead of as a
// 400 that names the field.

/** A list for a message: the first few names, so 128 tools do not make a page of text. */
function listed(names: string[]): string {
  return names.length <= 8 ? names.join(', ') : `${names.slice(0, 8).join(', ')}, …`;
}

function checkToolNames(body: ChatCompletionFields, ctx: z.RefinementCtx): void {
  const firstWith = new Map<string, number>();
  (body.tools ?? []).forEach((tool, i) => {
    const { name } = tool.function;
    const first = firstWith.get(name);
    if (first === undefined) return void firstWith.set(name, i);
    ctx.addIssue({
      code: 'custom',
      path: ['tools', i, 'function', 'name'],
      message: `is "${name}", which tools[${first}] already uses; each function needs its own name`,
    });
  });
}

function checkToolChoice(body: ChatCompletionFields, ctx: z.RefinementCtx): void {
  const choice = body.tool_choice;
  if (!choice || choice === 'none' || choice === 'auto') return;
  if (!body.tools?.length) {
    ctx.addIssue({ code: 'custom', path: ['tool_choice'], message: 'is only allowed when tools are specified' });
    return;
  }
  if (typeof choice === 'string') return;
  const names = body.tools.map((t) => t.function.name);
  if (names.includes(choice.function.name)) return;
  ctx.addIssue({
    code: 'custom',
    path: ['tool_choice', 'function', 'name'],
    params: { expected: `the name of a function in tools (${listed(names)})` },
  });
}

/**
 * A tool message answers a call of the assistant message just before it (other answers to the
 * same message may come between), so its tool_call_id must be one of that message's call ids.
 */
function checkToolMessages(body: ChatCompletionFields, ctx: z.RefinementCtx): void {
  let callIds: string[] | undefined;
  body.messages.forEach((m, i) => {
    if (m.role !== 'tool') {
      callIds = m.role === 'assistant' && m.tool_calls?.length ? m.tool_calls.map((c) => c.id) : undefined;
      return;
    }
    if (!callIds) {
      ctx.addIssue({ code: 'custom', path: ['messages', i, 'role'], message: 'is "tool", which is only allowed after an assistant message with tool_calls' });
    } else if (!callIds.includes(m.tool_call_id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['messages', i, 'tool_call_id'],
        params: { expected: `the id of a tool call in the assistant message before it (${listed(callIds)})` },
      });
    }
  });
}

export function checkToolConversation(body: ChatCompletionFields, ctx: z.RefinementCtx): void {
  checkToolNames(body, ctx);
  checkToolChoice(body, ctx);
  checkToolMessages(body, ctx);
}
