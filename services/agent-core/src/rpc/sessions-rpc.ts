import {
  AppError,
  grpcService,
  SessionsServiceService,
  unary,
  type GrpcService,
  type ListSessionsRequest,
  type Logger,
  type ProtoSession,
  type SessionsServiceServer,
} from '@cliver/common';
import type { SessionListSource, SessionRepo, Session } from '../sessions/session-repo';

const DEFAULT_PAGE = 100;
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

function notFound(sessionId: string): AppError {
  return new AppError('not_found', `no session with id "${sessionId}"`, { field: 'session_id', reason: 'session_not_found' });
}

/** Checks ListSessions' paging at the edge: SQLite would read a negative LIMIT as "no limit". */
function toPage(req: ListSessionsRequest): { source?: SessionListSource; limit: number; offset: number } {
  if (req.source && req.source !== 'cli' && req.source !== 'gateway') {
    throw new AppError('invalid_argument', `source must be "cli" or "gateway", got "${req.source}"`, { field: 'source' });
  }
  if (req.limit < 0 || req.limit > MAX_PAGE) {
    throw new AppError('invalid_argument', `limit must be from 1 to ${MAX_PAGE} (0 for ${DEFAULT_PAGE}), got ${req.limit}`, { field: 'limit' });
  }
  if (req.offset < 0) throw new AppError('invalid_argument', `offset must be 0 or more, got ${req.offset}`, { field: 'offset' });
  return { source: (req.source || undefined) as SessionListSource | undefined, limit: req.limit || DEFAULT_PAGE, offset: req.offset };
}

export function sessionsRpc(log: Logger, repo: SessionRepo): GrpcService<SessionsServiceServer> {
  return grpcService(SessionsServiceService, {
    listSessions: unary(log, 'ListSessions', (req) => {
      const page = toPage(req);
      const items = repo.list(page);
      return { sessions: items.map((s) => toProto(s, s.turnCount)), total: repo.count(page) };
    }),
    getSessionTurns: unary(log, 'GetSessionTurns', (req) => {
      const session = repo.get(req.sessionId);
      if (!session) throw notFound(req.sessionId);
      const turns = repo.turns(req.sessionId);
      return { session: toProto(session, turns.length), turns: turns.map((t) => ({ role: t.role, content: t.content, timestamp: t.createdAt })) };
    }),
    deleteSession: unary(log, 'DeleteSession', (req) => {
      if (!repo.delete(req.sessionId)) throw notFound(req.sessionId);
      return {};
    }),
  });
}
