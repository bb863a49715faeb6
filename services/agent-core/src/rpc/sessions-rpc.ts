import { AppError, SessionsServiceService, unary, type GrpcService, type Logger, type ProtoSession } from '@cliver/common';
import type { SessionListItem, SessionRepo, Session } from '../sessions/session-repo';

const MAX_PAGE = 500;

function toProto(s: Session, turnCount: number): ProtoSession {
  return {
    id: s.id,
    source: s.source === 'cli' ? 'cli' : 'gateway',
    title: s.title ?? '',
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    turnCount,
    optionsJson: JSON.stringify(s.options),
    platform: s.platform ?? '',
    imKey: s.imKey ?? '',
  };
}

export function sessionsRpc(log: Logger, repo: SessionRepo): GrpcService {
  return {
    definition: SessionsServiceService,
    implementation: {
      listSessions: unary(log, 'ListSessions', (req: { source: string; limit: number; offset: number }) => {
        if (req.source && req.source !== 'cli' && req.source !== 'gateway') {
          throw new AppError('invalid_argument', `source must be "cli" or "gateway", got "${req.source}"`, { field: 'source' });
        }
        const limit = Math.min(req.limit || 100, MAX_PAGE);
        const items: SessionListItem[] = repo.list({ source: (req.source || undefined) as 'cli' | 'gateway' | undefined, limit, offset: Math.max(0, req.offset) });
        return { sessions: items.map((s) => toProto(s, s.turnCount)), total: items.length };
      }),
      getSessionTurns: unary(log, 'GetSessionTurns', (req: { sessionId: string }) => {
        const session = repo.get(req.sessionId);
        if (!session) throw new AppError('not_found', `no session with id "${req.sessionId}"`, { field: 'session_id', reason: 'session_not_found' });
        const turns = repo.turns(req.sessionId);
        return { session: toProto(session, turns.length), turns: turns.map((t) => ({ role: t.role, content: t.content, timestamp: t.createdAt })) };
      }),
      deleteSession: unary(log, 'DeleteSession', (req: { sessionId: string }) => {
        if (!repo.delete(req.sessionId)) throw new AppError('not_found', `no session with id "${req.sessionId}"`, { field: 'session_id', reason: 'session_not_found' });
        return {};
      }),
    },
  };
}
