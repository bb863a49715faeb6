import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '@cliver/common';
import type { OpenedStore } from '../store/db';

// The handle store/db.ts opens; taken by type so only store/ imports better-sqlite3 (lint rule).
export type Db = OpenedStore['db'];

export const SessionSource = z.enum(['cli', 'api', 'im', 'task', 'admin']);
export type SessionSource = z.infer<typeof SessionSource>;

/** Free-form per-session settings, e.g. `task_name` and `task_origin` of a linked task. */
export const SessionOptions = z.record(z.string(), z.unknown());
export type SessionOptions = z.infer<typeof SessionOptions>;

export interface Session {
  id: string;
  source: SessionSource;
  title?: string;
  /** `platform:channel_id:thread_id` for IM conversations. */
  imKey?: string;
  platform?: string;
  options: SessionOptions;
  /** ISO-8601 with UTC offset. */
  createdAt: string;
  updatedAt: string;
  summary?: string;
  /** Id of the last turn `summary` covers. */
  summaryUptoTurn?: number;
}

export interface SessionListItem extends Session {
  turnCount: number;
}

export type TurnRole = 'user' | 'assistant';

export interface NewTurn {
  role: TurnRole;
  content: string;
  promptTokens?: number;
  completionTokens?: number;
  model?: string;
}

export interface Turn extends NewTurn {
  id: number;
  sessionId: string;
  createdAt: string;
}

export interface NewSession {
  source: SessionSource;
  title?: string;
  imKey?: string;
  platform?: string;
  options?: SessionOptions;
}

/** `cli` lists CLI sessions; `gateway` lists every other source (IM, API, tasks, portal). */
export type SessionListSource = 'cli' | 'gateway';

export interface ListSessions {
  source?: SessionListSource;
  limit: number;
  offset: number;
}

interface SessionRow {
  id: string;
  source: SessionSource;
  title: string | null;
  im_key: string | null;
  platform: string | null;
  options_json: string;
  created_at: string;
  updated_at: string;
  summary: string | null;
  summary_upto_turn: number | null;
}

interface TurnRow {
  id: number;
  session_id: string;
  role: TurnRole;
  content: string;
  created_at: string;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  model: string | null;
}

/**
 * The one timestamp format sessions and turns store. One fixed format (always `+00:00`) keeps
 * text order equal to time order, which listing and retention rely on.
 */
export function toStoredTime(date: Date): string {
  return date.toISOString().replace(/Z$/, '+00:00');
}

function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    source: row.source,
    title: row.title ?? undefined,
    imKey: row.im_key ?? undefined,
    platform: row.platform ?? undefined,
    options: SessionOptions.parse(JSON.parse(row.options_json)),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    summary: row.summary ?? undefined,
    summaryUptoTurn: row.summary_upto_turn ?? undefined,
  };
}

function toTurn(row: TurnRow): Turn {
  return {
    id: row.id,
    sessionId: row.session_id,
    role: row.role,
    content: row.content,
    createdAt: row.created_at,
    promptTokens: row.prompt_tokens ?? undefined,
    completionTokens: row.completion_tokens ?? undefined,
    model: row.model ?? undefined,
  };
}

function sessionNotFound(id: string): AppError {
  return new AppError('not_found', `session "${id}" does not exist (deleted, or expired by session retention)`, {
    reason: 'session_not_found',
  });
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

// `list` and `count` must filter alike, or a page's `total` would count other sessions.
function sourceFilter(source: SessionListSource | undefined): string {
  return source === 'cli' ? "WHERE s.source = 'cli'" : source === 'gateway' ? "WHERE s.source <> 'cli'" : '';
}

/** Conversation sessions and their turns. Writes that touch several rows run in one transaction. */
export class SessionRepo {
  constructor(private readonly db: Db) {}

  create(input: NewSession, now: Date): Session {
    const at = toStoredTime(now);
    const row: SessionRow = {
      id: randomUUID(),
      source: input.source,
      title: input.title ?? null,
      im_key: input.imKey ?? null,
      platform: input.platform ?? null,
      options_json: JSON.stringify(input.options ?? {}),
      created_at: at,
      updated_at: at,
      summary: null,
      summary_upto_turn: null,
    };
    try {
      this.db
        .prepare(`INSERT INTO sessions (id, source, title, im_key, platform, options_json, created_at, updated_at)
          VALUES (@id, @source, @title, @im_key, @platform, @options_json, @created_at, @updated_at)`)
        .run(row);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      throw new AppError('already_exists', `an IM session for "${input.imKey}" already exists; use getOrCreateKeyed to reuse it`, {
        reason: 'session_im_key_taken',
        cause: err,
      });
    }
    return toSession(row);
  }

  get(id: string): Session | undefined {
    const row = this.db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as SessionRow | undefined;
    return row ? toSession(row) : undefined;
  }

  findByImKey(imKey: string): Session | undefined {
    const row = this.db.prepare('SELECT * FROM sessions WHERE im_key = ?').get(imKey) as SessionRow | undefined;
    return row ? toSession(row) : undefined;
  }

  /**
   * The session stored under a key (an IM thread, an API client's session key), created on first
   * use; `created` tells which. The key shares the unique `im_key` column, so keys of other
   * sources carry a prefix (`api:`) that an IM key (`platform:channel:thread`) cannot collide with.
   */
  getOrCreateKeyed(key: string, source: SessionSource, platform: string | undefined, now: Date): Session & { created: boolean } {
    return this.db.transaction((): Session & { created: boolean } => {
      const found = this.findByImKey(key);
      return found ? { ...found, created: false } : { ...this.create({ source, imKey: key, platform }, now), created: true };
    }).immediate();
  }

  /** Appends the turns and bumps `updated_at`, all or nothing; returns the new turn ids in order. */
  appendTurns(sessionId: string, turns: readonly NewTurn[], now: Date): number[] {
    const at = toStoredTime(now);
    const insert = this.db.prepare(`INSERT INTO turns (session_id, role, content, created_at, prompt_tokens, completion_tokens, model)
      VALUES (?, ?, ?, ?, ?, ?, ?)`);
    return this.db.transaction((): number[] => {
      const touched = this.db.prepare('UPDATE sessions SET updated_at = ? WHERE id = ?').run(at, sessionId);
      if (touched.changes === 0) throw sessionNotFound(sessionId);
      return turns.map((t) => {
        const info = insert.run(sessionId, t.role, t.content, at, t.promptTokens ?? null, t.completionTokens ?? null, t.model ?? null);
        return Number(info.lastInsertRowid);
      });
    }).immediate();
  }

  /**
   * Turns oldest first. `afterId` skips turns up to that id (those a summary covers); `limit`
   * keeps only the newest ones.
   */
  turns(sessionId: string, opts: { afterId?: number; limit?: number } = {}): Turn[] {
    const rows = this.db
      .prepare(`SELECT * FROM turns WHERE session_id = ? AND id > ? ORDER BY id DESC LIMIT ?`)
      .all(sessionId, opts.afterId ?? 0, opts.limit ?? -1) as TurnRow[];
    return rows.reverse().map(toTurn);
  }

  /** Newest first (by `updated_at`), with the number of turns each has. */
  list(query: ListSessions): SessionListItem[] {
    const where = sourceFilter(query.source);
    const rows = this.db
      .prepare(`SELECT s.*, (SELECT COUNT(*) FROM turns t WHERE t.session_id = s.id) AS turn_count
        FROM sessions s ${where} ORDER BY s.updated_at DESC, s.rowid DESC LIMIT ? OFFSET ?`)
      .all(query.limit, query.offset) as Array<SessionRow & { turn_count: number }>;
    return rows.map((r) => ({ ...toSession(r), turnCount: r.turn_count }));
  }

  /** How many sessions `list` pages through for the same source. */
  count(query: { source?: SessionListSource }): number {
    const row = this.db.prepare(`SELECT COUNT(*) AS n FROM sessions s ${sourceFilter(query.source)}`).get() as { n: number };
    return row.n;
  }

  /** Runs `work` as one transaction (nested calls become savepoints). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  /**
   * Detaches a keyed session from its key (an IM thread's `/new`): the next message under the key
   * starts a fresh session, and the old one stays, with its turns, for the portal.
   */
  forgetKey(key: string): boolean {
    return this.db.prepare('UPDATE sessions SET im_key = NULL WHERE im_key = ?').run(key).changes > 0;
  }

  /** Deletes the session and (by cascade) its turns; false if there was none. */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM sessions WHERE id = ?').run(id).changes > 0;
  }

  /** Stores a summary of the turns up to `uptoTurnId`. Not activity: `updated_at` stays. */
  setSummary(id: string, summary: string, uptoTurnId: number): void {
    const info = this.db.prepare('UPDATE sessions SET summary = ?, summary_upto_turn = ? WHERE id = ?').run(summary, uptoTurnId, id);
    if (info.changes === 0) throw sessionNotFound(id);
  }
}
