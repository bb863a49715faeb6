import type Database from 'better-sqlite3';
import { toStoredTime } from '../sessions/session-repo';

/** A file that came with a message, kept on the data volume by agent-core. */
export interface StoredAttachment {
  kind: 'image' | 'voice' | 'file';
  fileName: string;
  mimeType: string;
  /** Absolute path on the data volume. */
  path: string;
  bytes: number;
}

export interface NewInbound {
  adapter: string;
  eventId: string;
  channelId: string;
  threadId: string;
  messageId: string;
  userId: string;
  userName: string;
  text: string;
  attachments: StoredAttachment[];
  isGroup: boolean;
}

export type InboundStatus = 'queued' | 'running' | 'done' | 'failed';

export interface InboundItem extends NewInbound {
  id: number;
  /** `adapter:channel:thread`: the FIFO a message waits in, and the IM session key. */
  conversation: string;
  status: InboundStatus;
  attempts: number;
  error: string | null;
  receivedAt: string;
}

interface InboundRow {
  id: number;
  adapter: string;
  event_id: string;
  conversation: string;
  channel_id: string;
  thread_id: string;
  message_id: string;
  user_id: string;
  user_name: string;
  text: string;
  attachments_json: string;
  is_group: number;
  status: InboundStatus;
  attempts: number;
  error: string | null;
  received_at: string;
}

function toItem(r: InboundRow): InboundItem {
  return {
    id: r.id,
    adapter: r.adapter,
    eventId: r.event_id,
    conversation: r.conversation,
    channelId: r.channel_id,
    threadId: r.thread_id,
    messageId: r.message_id,
    userId: r.user_id,
    userName: r.user_name,
    text: r.text,
    attachments: JSON.parse(r.attachments_json) as StoredAttachment[],
    isGroup: r.is_group === 1,
    status: r.status,
    attempts: r.attempts,
    error: r.error,
    receivedAt: r.received_at,
  };
}

/** The conversation key of an address: the IM session key of cliver-formats §4. */
export function conversationKey(adapter: string, channelId: string, threadId: string): string {
  return `${adapter}:${channelId}:${threadId}`;
}

/** Recorded platform events and the per-conversation queue they wait in. */
export class InboundRepo {
  private readonly insert: Database.Statement;
  private readonly byEvent: Database.Statement<[string, string], InboundRow>;
  private readonly heads: Database.Statement<[], InboundRow>;

  constructor(private readonly db: Database.Database) {
    // Only the dedupe key may make the insert a no-op: OR IGNORE would also swallow a NOT NULL or
    // CHECK failure and answer "duplicate" for an event that was never stored.
    this.insert = db.prepare(`INSERT INTO inbound_messages (adapter, event_id, conversation, channel_id, thread_id,
        message_id, user_id, user_name, text, attachments_json, is_group, status, received_at)
      VALUES (@adapter, @event_id, @conversation, @channel_id, @thread_id, @message_id, @user_id, @user_name, @text,
        @attachments_json, @is_group, 'queued', @received_at)
      ON CONFLICT (adapter, event_id) DO NOTHING`);
    this.byEvent = db.prepare('SELECT * FROM inbound_messages WHERE adapter = ? AND event_id = ?');
    // The oldest waiting message of each conversation: only it may run next.
    this.heads = db.prepare(`SELECT * FROM inbound_messages WHERE id IN (
      SELECT MIN(id) FROM inbound_messages WHERE status IN ('queued', 'running') GROUP BY conversation)
      AND status = 'queued' ORDER BY id`);
  }

  /** Commits the event; the same (adapter, event id) again returns the first row as a duplicate. */
  record(m: NewInbound, now: Date): { id: number; duplicate: boolean } {
    const info = this.insert.run({
      adapter: m.adapter,
      event_id: m.eventId,
      conversation: conversationKey(m.adapter, m.channelId, m.threadId),
      channel_id: m.channelId,
      thread_id: m.threadId,
      message_id: m.messageId,
      user_id: m.userId,
      user_name: m.userName,
      text: m.text,
      attachments_json: JSON.stringify(m.attachments),
      is_group: m.isGroup ? 1 : 0,
      received_at: toStoredTime(now),
    });
    const row = this.byEvent.get(m.adapter, m.eventId)!;
    return { id: row.id, duplicate: info.changes === 0 };
  }

  /**
   * The conversations of `adapter` with a message recorded since `since`, newest activity first,
   * each with the event id of its newest message (where a catch-up after an outage starts).
   */
  recentConversations(adapter: string, since: Date, limit: number): Array<{ channelId: string; threadId: string; lastEventId: string }> {
    const rows = this.db
      .prepare(`SELECT channel_id, thread_id, event_id FROM inbound_messages WHERE id IN (
          SELECT MAX(id) FROM inbound_messages WHERE adapter = ? AND received_at >= ? GROUP BY conversation)
        ORDER BY id DESC LIMIT ?`)
      .all(adapter, toStoredTime(since), limit) as Array<{ channel_id: string; thread_id: string; event_id: string }>;
    return rows.map((r) => ({ channelId: r.channel_id, threadId: r.thread_id, lastEventId: r.event_id }));
  }

  /** The recording of a platform event, if there is one (to answer a re-delivery before storing its files again). */
  findEvent(adapter: string, eventId: string): InboundItem | undefined {
    const row = this.byEvent.get(adapter, eventId);
    return row ? toItem(row) : undefined;
  }

  get(id: number): InboundItem | undefined {
    const row = this.db.prepare('SELECT * FROM inbound_messages WHERE id = ?').get(id) as InboundRow | undefined;
    return row ? toItem(row) : undefined;
  }

  /**
   * The messages that may start now, oldest first: the head of every conversation whose head is
   * waiting (a conversation with a running message has none), minus `busy` conversations.
   */
  runnable(busy: ReadonlySet<string>, limit: number): InboundItem[] {
    const out: InboundItem[] = [];
    for (const row of this.heads.iterate()) {
      if (out.length >= limit) break;
      if (!busy.has(row.conversation)) out.push(toItem(row));
    }
    return out;
  }

  markRunning(id: number): void {
    this.db.prepare("UPDATE inbound_messages SET status = 'running', attempts = attempts + 1 WHERE id = ?").run(id);
  }

  /** Back in its queue at its old place (a turn stopped by shutdown, to run again later). */
  markQueued(id: number): void {
    this.db.prepare("UPDATE inbound_messages SET status = 'queued' WHERE id = ? AND status = 'running'").run(id);
  }

  markDone(id: number, now: Date): void {
    this.db.prepare("UPDATE inbound_messages SET status = 'done', error = NULL, finished_at = ? WHERE id = ?").run(toStoredTime(now), id);
  }

  markFailed(id: number, error: string, now: Date): void {
    this.db.prepare("UPDATE inbound_messages SET status = 'failed', error = ?, finished_at = ? WHERE id = ?").run(error, toStoredTime(now), id);
  }

  /**
   * At start: messages whose turn was cut off by a crash go back to their queue and run again.
   * Their reply is written once (the outbox is keyed by the message), so nothing is said twice.
   */
  requeueInterrupted(): number {
    return this.db.prepare("UPDATE inbound_messages SET status = 'queued' WHERE status = 'running'").run().changes;
  }

  /** Counts by status, for status and benchmarks. */
  counts(): Record<InboundStatus, number> {
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM inbound_messages GROUP BY status').all() as Array<{ status: InboundStatus; n: number }>;
    const out: Record<InboundStatus, number> = { queued: 0, running: 0, done: 0, failed: 0 };
    for (const r of rows) out[r.status] = r.n;
    return out;
  }
}
