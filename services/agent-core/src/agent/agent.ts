import { AppError, type Logger } from '@cliver/common';
import type { ModelCatalog, ModelInfo } from '../providers/model-catalog';
import type { ToolSpec } from '../providers/provider';
import type { ProviderRegistry } from '../providers/provider-registry';
import { ASK_TOOL } from '../tools/ask-tool';
import type { Tool } from '../tools/tool';
import { messageText, type ChatMessage, type TokenUsage } from './messages';
import { addUsage, callModel, type ModelCallResult } from './model-call';
import type { SessionPort, SetupPort, TurnSession, TurnSetup } from './ports';
import { runTools } from './run-tools';
import type { Emit, TurnRequest, TurnResult } from './turn';

export interface AgentDeps {
  catalog: ModelCatalog;
  providers: ProviderRegistry;
  sessions: SessionPort;
  setup: SetupPort;
  log: Logger;
  /** Model calls per turn before the loop gives up with a clear message. */
  maxIterations: number;
}

function toolSpecs(tools: readonly Tool[]): ToolSpec[] {
  return tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters }));
}

const ZERO: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

function lastUserText(messages: ChatMessage[]): string {
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return last ? messageText(last) : '';
}

/** The tool-calling loop: model call, tools, model call... until a final answer or the cap. */
export class Agent {
  constructor(private readonly deps: AgentDeps) {}

  async run(request: TurnRequest, emit: Emit, signal: AbortSignal): Promise<TurnResult> {
    const { catalog, sessions, setup, log } = this.deps;
    const model = catalog.resolve(request.model);
    if (!request.messages.some((m) => m.role === 'user')) {
      throw new AppError('invalid_argument', 'messages must contain at least one user message', { field: 'messages', reason: 'no_user_message' });
    }
    emit({ type: 'started', model: model.id });
    const session = sessions.open(request);
    if (session) emit({ type: 'session', sessionId: session.id, created: session.created });
    const turn = await setup.setup(request, session);
    const overhead = { system: turn.system, tools: request.clientTools.length ? request.clientTools : toolSpecs(turn.tools) };
    const history = session ? await sessions.history(session, request.messages, model, signal, overhead) : [];
    const messages: ChatMessage[] = [{ role: 'system', content: turn.system }, ...history, ...request.messages];
    const result = await this.loop(request, model, messages, turn, session, emit, signal);
    if (session) sessions.record(session, lastUserText(request.messages), result.text, result.usage, model, () => request.onCommit?.(result.text));
    else request.onCommit?.(result.text);
    log.info({ requestId: request.requestId, model: model.id, iterations: result.iterations, ...result.usage }, 'turn finished');
    return result;
  }

  private async loop(
    request: TurnRequest,
    model: ModelInfo,
    messages: ChatMessage[],
    turn: TurnSetup,
    session: TurnSession | undefined,
    emit: Emit,
    signal: AbortSignal,
  ): Promise<TurnResult> {
    const provider = this.deps.providers.for(model);
    const passThrough = request.clientTools.length > 0 || (request.options.n ?? 1) > 1;
    let usage = ZERO;
    for (let iteration = 1; iteration <= this.deps.maxIterations; iteration++) {
      // Read again before every call: a skill activated by the last tool round applies now.
      const tools = turn.tools;
      messages[0] = { role: 'system', content: turn.system };
      const offered = passThrough ? request.clientTools : toolSpecs(tools);
      const call: ModelCallResult = await callModel(
        provider,
        { model, messages, tools: offered, options: request.options, signal, stream: !request.buffered },
        emit,
        passThrough,
      );
      usage = addUsage(usage, call.usage);
      const first = call.choices[0]!;
      if (passThrough || !first.toolCalls.length) {
        call.choices.forEach((c, i) => c && emit({ type: 'choice_finished', choice: i, reason: c.finishReason }));
        return { model: model.id, usage, text: first.text, iterations: iteration };
      }
      messages.push({ role: 'assistant', content: first.text || null, toolCalls: first.toolCalls });
      const ctx = { surface: request.surface, sessionId: session?.id, origin: request.origin, signal };
      messages.push(...(await runTools(first.toolCalls, tools, ctx, emit, this.deps.log)));
      const ask = first.toolCalls.find((c) => c.name === ASK_TOOL);
      if (ask) return this.finish(this.askText(messages, ask.id), model, usage, iteration, emit);
      if (signal.aborted) throw new AppError('unavailable', 'the turn was cancelled', { reason: 'cancelled' });
    }
    const text = `I stopped after ${this.deps.maxIterations} rounds of tool calls without reaching a final answer (the agent's iteration limit). Ask again with a narrower request, or continue this conversation.`;
    return this.finish(text, model, usage, this.deps.maxIterations, emit);
  }

  // Ask ends the turn in the CLI: the question is the answer, and the user replies next turn.
  private askText(messages: ChatMessage[], callId: string): string {
    const result = messages.find((m) => m.role === 'tool' && m.toolCallId === callId);
    return result && result.role === 'tool' ? result.content : '';
  }

  private finish(text: string, model: ModelInfo, usage: TokenUsage, iterations: number, emit: Emit): TurnResult {
    emit({ type: 'text', choice: 0, text });
    emit({ type: 'choice_finished', choice: 0, reason: 'stop' });
    return { model: model.id, usage, text, iterations };
  }
}

