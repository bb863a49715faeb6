import { AppError, type Logger } from '@cliver/common';
import type { ModelInfo } from '../providers/model-catalog';
import type { ProviderRegistry } from '../providers/provider-registry';
import { prepareHistory } from '../sessions/history';
import type { SessionRepo, Session } from '../sessions/session-repo';
import { messageText, type ChatMessage, type TokenUsage } from './messages';
import { callModel } from './model-call';
import type { PromptOverhead, SessionPort, TurnSession } from './ports';
import type { TurnRequest } from './turn';

const SUMMARY_INSTRUCTIONS =
  'Summarise the conversation below for your own later use: keep facts, decisions, names, numbers, open questions and what the user wants. Plain prose, at most 300 words.';
const TITLE_CHARS = 60;

export interface TurnSessionsDeps {
  repo: SessionRepo;
  providers: ProviderRegistry;
  maxTurnsPerSession: number;
  log: Logger;
  now: () => Date;
}

function toTurnSession(s: Session, created: boolean): TurnSession {
  return { id: s.id, created, options: s.options };
}

/** Sessions as the agent loop uses them: open per surface, compressed history, atomic recording. */
export class TurnSessions implements SessionPort {
  constructor(private readonly deps: TurnSessionsDeps) {}

  open(request: TurnRequest): TurnSession | undefined {
    const { repo, now } = this.deps;
    if (request.stateless) return undefined;
    if (request.sessionId) {
      const found = repo.get(request.sessionId);
      if (!found) throw new AppError('not_found', `no session with id "${request.sessionId}"`, { field: 'session_id', reason: 'session_not_found' });
      return toTurnSession(found, false);
    }
    if (request.surface === 'im' && request.origin) {
      const { platform, channelId, threadId } = request.origin;
      const s = repo.getOrCreateKeyed(`${platform}:${channelId}:${threadId}`, 'im', platform, now());
      return toTurnSession(s, s.created);
    }
    if (request.sessionKey) {
      const s = repo.getOrCreateKeyed(`api:${request.sessionKey}`, request.surface, undefined, now());
      return toTurnSession(s, s.created);
    }
    const firstUser = request.messages.find((m) => m.role === 'user');
    const title = request.sessionTitle ?? (firstUser ? messageText(firstUser).replace(/\s+/g, ' ').slice(0, TITLE_CHARS) : undefined);
    return toTurnSession(repo.create({ source: request.surface, title }, now()), true);
  }

  async history(session: TurnSession, input: ChatMessage[], model: ModelInfo, signal: AbortSignal, overhead: PromptOverhead): Promise<ChatMessage[]> {
    const prepared = await prepareHistory({
      repo: this.deps.repo,
      sessionId: session.id,
      input,
      contextWindow: model.contextWindow,
      maxTurns: this.deps.maxTurnsPerSession,
      summarize: (older) => this.summarize(older, model, signal),
      model: model.name,
      overhead,
    });
    if (prepared.compressed !== 'none') {
      this.deps.log.info({ sessionId: session.id, compressed: prepared.compressed, tokens: prepared.tokens, err: prepared.summaryError }, 'history compressed');
    }
    return prepared.messages;
  }

  record(session: TurnSession, userText: string, assistantText: string, usage: TokenUsage, model: ModelInfo, commit?: () => void): void {
    this.deps.repo.transaction(() => {
      this.deps.repo.appendTurns(
        session.id,
        [
          { role: 'user', content: userText },
          { role: 'assistant', content: assistantText, promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, model: model.id },
        ],
        this.deps.now(),
      );
      commit?.();
    });
  }

  private async summarize(older: ChatMessage[], model: ModelInfo, signal: AbortSignal): Promise<string> {
    const transcript = older.map((m) => `${m.role}: ${messageText(m)}`).join('\n\n');
    const messages: ChatMessage[] = [
      { role: 'system', content: SUMMARY_INSTRUCTIONS },
      { role: 'user', content: transcript },
    ];
    const result = await callModel(this.deps.providers.for(model), { model, messages, tools: [], options: {}, signal, stream: false }, () => undefined, true);
    const text = result.choices[0]?.text.trim();
    if (!text) throw new AppError('unavailable', 'the model returned an empty summary', { reason: 'empty_summary' });
    return text;
  }
}
