import { AppError } from '@cliver/common';
import { messageText, type ChatMessage } from '../agent/messages';
import type { Session, SessionRepo, Turn } from './session-repo';
import { countMessage, countMessages, countText } from './token-counter';

/** How the history was made to fit: `truncated` means summarising failed and old messages were dropped. */
export type Compression = 'summary' | 'truncated' | 'none';

export interface PrepareHistoryOptions {
  repo: SessionRepo;
  sessionId: string;
  /** The new message(s) of this turn; counted against the window, not returned. */
  input: readonly ChatMessage[];
  /** The model's context window in tokens. */
  contextWindow: number;
  /** At most this many raw turns are loaded (the newest). */
  maxTurns: number;
  /** Summarises older messages (an LLM call); its text is stored and reused on later turns. */
  summarize: (older: ChatMessage[]) => Promise<string>;
  /** Picks the tokenizer; unknown or absent counts with o200k. */
  model?: string;
  /**
   * What goes with every model call besides the conversation: the system text (identity, memory,
   * skills) and the tool schemas. Counted against the window like the input.
   */
  overhead?: { system: string; tools: readonly unknown[] };
}

export interface PreparedHistory {
  /** What to send before `input`. */
  messages: ChatMessage[];
  compressed: Compression;
  /** Estimated prompt tokens of `messages`, `input` and the overhead. */
  tokens: number;
  /** Why summarising failed, when it did (the caller logs it). */
  summaryError?: unknown;
}

/** Text that opens the message standing in for summarised turns (the original's marker). */
export const SUMMARY_PREFIX = '[Conversation Summary]';

// The original's thresholds: compress past 70 % of the window, keep the newest 30 % verbatim.
const COMPRESS_AT_SHARE = 0.7;
const KEEP_RECENT_SHARE = 0.3;

interface Entry {
  message: ChatMessage;
  tokens: number;
  /** Id of the last turn this message stands for (a summary stands for many). */
  lastTurnId: number;
  isSummary: boolean;
}

type Count = (m: ChatMessage) => number;

// Per-message overhead as countMessage adds it (role, separators, name), plus room for images.
const byteBound: Count = (m) => Buffer.byteLength(messageText(m)) + 8;

function turnEntry(turn: Turn, count: Count): Entry {
  const message: ChatMessage = turn.role === 'user' ? { role: 'user', content: turn.content } : { role: 'assistant', content: turn.content };
  return { message, tokens: count(message), lastTurnId: turn.id, isSummary: false };
}

function summaryEntry(summary: string, lastTurnId: number, count: Count): Entry {
  const message: ChatMessage = { role: 'user', content: `${SUMMARY_PREFIX} ${summary}` };
  return { message, tokens: count(message), lastTurnId, isSummary: true };
}

function loadEntries(repo: SessionRepo, session: Session, maxTurns: number, count: Count): Entry[] {
  const { summary, summaryUptoTurn: upto } = session;
  const hasSummary = summary !== undefined && upto !== undefined;
  const turns = repo.turns(session.id, { afterId: hasSummary ? upto : undefined, limit: maxTurns }).map((t) => turnEntry(t, count));
  return hasSummary ? [summaryEntry(summary, upto, count), ...turns] : turns;
}

const sumTokens = (entries: readonly Entry[]): number => entries.reduce((n, e) => n + e.tokens, 0);

/** Drops the oldest entries until history plus input fit the budget (possibly all of them). */
function dropOldest(entries: Entry[], inputTokens: number, budget: number): Entry[] {
  let total = sumTokens(entries) + inputTokens;
  let start = 0;
  while (start < entries.length && total > budget) total -= entries[start++].tokens;
  return entries.slice(start);
}

function result(entries: Entry[], inputTokens: number, compressed: Compression, summaryError?: unknown): PreparedHistory {
  const out: PreparedHistory = { messages: entries.map((e) => e.message), compressed, tokens: sumTokens(entries) + inputTokens };
  if (summaryError !== undefined) out.summaryError = summaryError;
  return out;
}

/**
 * The history to send before this turn's input (cliver-formats §4). A stored summary replaces the
 * turns it covers. Past 70 % of the window the older 70 % of the messages are summarised once,
 * stored with the id of the last turn covered, and reused until the window is passed again.
 * Raw turns are never deleted here: the portal shows them.
 */
export async function prepareHistory(opts: PrepareHistoryOptions): Promise<PreparedHistory> {
  const session = opts.repo.get(opts.sessionId);
  if (!session) {
    throw new AppError('not_found', `session "${opts.sessionId}" does not exist; create it before running a turn`, {
      reason: 'session_not_found',
    });
  }
  const budget = Math.floor(opts.contextWindow * COMPRESS_AT_SHARE);
  const overheadText = opts.overhead ? `${opts.overhead.system}\n${opts.overhead.tools.length ? JSON.stringify(opts.overhead.tools) : ''}` : '';
  // A token is at least one byte, so the UTF-8 size bounds the count from above: when even that
  // fits, the tokenizer (about 150 MB and a second to build) is not needed at all.
  const bound = loadEntries(opts.repo, session, opts.maxTurns, byteBound);
  const inputBound = opts.input.reduce((n, m) => n + byteBound(m), Buffer.byteLength(overheadText));
  if (sumTokens(bound) + inputBound <= budget) return result(bound, inputBound, 'none');
  const count: Count = (m) => countMessage(m, opts.model);
  const history = loadEntries(opts.repo, session, opts.maxTurns, count);
  // The input and the overhead are sent whatever happens: what is left of the budget is history's.
  const inputTokens = countMessages(opts.input, opts.model) + countText(overheadText, opts.model);
  if (sumTokens(history) + inputTokens <= budget) return result(history, inputTokens, 'none');
  return compress(opts, history, { inputTokens, budget, count });
}

async function compress(
  opts: PrepareHistoryOptions,
  history: Entry[],
  fit: { inputTokens: number; budget: number; count: Count },
): Promise<PreparedHistory> {
  const keep = Math.max(1, Math.floor(history.length * KEEP_RECENT_SHARE));
  const older = history.slice(0, history.length - keep);
  const recent = history.slice(history.length - keep);
  // Re-summarising nothing but the previous summary would only spend an LLM call.
  if (!older.some((e) => !e.isSummary)) return result(dropOldest(history, fit.inputTokens, fit.budget), fit.inputTokens, 'truncated');

  let summary: string;
  try {
    summary = (await opts.summarize(older.map((e) => e.message))).trim();
    if (summary === '') throw new AppError('internal', 'the summarizer returned no text', { reason: 'empty_summary' });
  } catch (err) {
    return result(dropOldest(history, fit.inputTokens, fit.budget), fit.inputTokens, 'truncated', err);
  }
  const lastTurnId = older.at(-1)!.lastTurnId;
  opts.repo.setSummary(opts.sessionId, summary, lastTurnId);
  const compressed = [summaryEntry(summary, lastTurnId, fit.count), ...recent];
  return result(dropOldest(compressed, fit.inputTokens, fit.budget), fit.inputTokens, 'summary');
}
