import type { Turn } from './completion';
import type { Reply, Rule, RuleMatch, ToolCallSpec } from './types';

export type ScriptApi = 'openai' | 'anthropic' | 'transcription';

interface StoredRule {
  match: RuleMatch;
  remaining: number;
  reply: Reply;
}

function matches(m: RuleMatch, api: ScriptApi, turn: Pick<Turn, 'model' | 'lastUserText'>): boolean {
  // A rule without `api` is meant for "the next chat answer"; an audio upload must not use it up.
  if (m.api ? m.api !== api : api === 'transcription') return false;
  if (m.model !== undefined && m.model !== turn.model) return false;
  if (m.lastUserIncludes !== undefined && !turn.lastUserText.includes(m.lastUserIncludes)) return false;
  return true;
}

/** Scripted answers, consumed in the order they were added. */
export class Script {
  private rules: StoredRule[] = [];

  add(rule: Rule): void {
    const times = rule.times ?? 1;
    if (times !== Infinity && !(Number.isInteger(times) && times > 0)) {
      throw new Error(`rule.times must be a positive integer or Infinity, got ${String(times)}`);
    }
    this.rules.push({ match: rule.match ?? {}, remaining: times, reply: rule.reply });
  }

  reset(): void {
    this.rules = [];
  }

  next(api: ScriptApi, turn: Pick<Turn, 'model' | 'lastUserText'>): Reply | undefined {
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i];
      if (!matches(rule.match, api, turn)) continue;
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.rules.splice(i, 1);
      return rule.reply;
    }
    return undefined;
  }
}

const TOOL_MARK = /\[\[tool:([\w.-]+)\s*([\s\S]*?)\]\]/g;

function parseArgs(raw: string): ToolCallSpec['arguments'] {
  const trimmed = raw.trim();
  if (!trimmed) return {};
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Not JSON: pass it through so a test can exercise the gateway's handling of malformed arguments.
  }
  return trimmed;
}

/**
 * The answer when no rule matches. `[[tool:NAME {json}]]` in the prompt becomes a tool call so end-to-end
 * tests need no scripting; after tool results the answer quotes them, which both ends the agent loop
 * (the marker is still in the last user message) and shows the result reached the model.
 */
export function defaultReply(turn: Turn): Reply {
  if (turn.toolResultText !== undefined) return { text: `tool result: ${turn.toolResultText}` };
  if (turn.lastUserText.includes('[[tool:')) {
    const calls = [...turn.lastUserText.matchAll(TOOL_MARK)].map((m) => ({ name: m[1], arguments: parseArgs(m[2]) }));
    if (calls.length > 0) return { toolCalls: calls };
  }
  return { text: `echo: ${turn.lastUserText}` };
}

const STATUSES = new Set([400, 401, 429, 500, 503]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks a rule that arrived over HTTP; JSON cannot carry Infinity, so `times: -1` means always. */
export function parseRule(input: unknown): Rule {
  if (!isObject(input) || !isObject(input.reply)) {
    throw new Error('body must be a rule: { match?, times?, reply: { text } | { toolCalls } | { error } | { hang: true } }');
  }
  const reply = input.reply;
  const kinds = ['text', 'toolCalls', 'error', 'hang'].filter((k) => reply[k] !== undefined);
  if (kinds.length === 0) throw new Error('reply needs one of text, toolCalls, error or hang');
  if (reply.text !== undefined && typeof reply.text !== 'string') throw new Error('reply.text must be a string');
  if (reply.toolCalls !== undefined) {
    const ok = Array.isArray(reply.toolCalls) && reply.toolCalls.every((c) => isObject(c) && typeof c.name === 'string');
    if (!ok) throw new Error('reply.toolCalls must be an array of { id?, name, arguments }');
  }
  if (reply.error !== undefined && !(isObject(reply.error) && STATUSES.has(reply.error.status as number))) {
    throw new Error('reply.error.status must be one of 400, 401, 429, 500, 503');
  }
  if (isObject(reply.error) && reply.error.rawBody !== undefined && typeof reply.error.rawBody !== 'string') {
    throw new Error('reply.error.rawBody must be a string');
  }
  if (input.match !== undefined && !isObject(input.match)) throw new Error('match must be an object');
  const times = input.times === -1 ? Infinity : input.times;
  if (times !== undefined && typeof times !== 'number') throw new Error('times must be a number (-1 for always)');
  return { match: input.match as Rule['match'], times, reply: reply as unknown as Rule['reply'] };
}
