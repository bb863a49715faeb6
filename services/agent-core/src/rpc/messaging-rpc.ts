import {
  AppError,
  grpcService,
  MessagingServiceService,
  serverStream,
  unary,
  type GrpcService,
  type Logger,
  type MessagingServiceServer,
  type StreamOutboxResponse,
} from '@cliver/common';
import { loadAttachment, saveAttachments } from '../messaging/attachment-store';
import type { ConversationQueue } from '../messaging/conversation-queue';
import type { OutboxFeed } from '../messaging/outbox-feed';
import type { InboundRepo } from '../store/inbound-repo';
import type { LeaseRepo } from '../store/lease-repo';
import type { OutboxEntry, OutboxRepo } from '../store/outbox-repo';
import { ADAPTER_HOST_LEASE } from './core-rpc';

export interface MessagingRpcDeps {
  log: Logger;
  leases: LeaseRepo;
  inbound: InboundRepo;
  outbox: OutboxRepo;
  queue: ConversationQueue;
  feed: OutboxFeed;
  inboxDir: string;
  now: () => number;
}

const MAX_TEXT_CHARS = 64 * 1024;
const MAX_LABEL_CHARS = 256;
const DEFAULT_RETRY_MS = 5000;
const MAX_RETRY_MS = 3_600_000;
const ID = /^[\x21-\x7e]{1,256}$/;

function requireId(value: string, field: string): string {
  if (!ID.test(value)) throw new AppError('invalid_argument', `${field} must be 1 to 256 visible ASCII characters, got "${value.slice(0, 40)}"`, { field });
  return value;
}

// Free text from the platform that is stored with every message: bounded, so one event cannot
// bloat the store (the message text has its own, larger bound).
function requireBounded(value: string, field: string): string {
  if (value.length > MAX_LABEL_CHARS) throw new AppError('invalid_argument', `${field} is longer than ${MAX_LABEL_CHARS} characters`, { field });
  return value;
}

function toProtoEntry(e: OutboxEntry): StreamOutboxResponse {
  return {
    entry: {
      id: e.id,
      address: e.address,
      markdown: e.markdown,
      attachments: e.attachments.map(loadAttachment),
      replyToMessageId: e.replyToMessageId,
      postedChunkIds: e.postedChunkIds,
      chunkCount: e.chunkCount,
    },
  };
}

// A catch-up reads at most this many conversations: the most recently active ones.
const MAX_RECENT_CONVERSATIONS = 200;

/** MessagingService: thin; validation at the edge, the queue and outbox do the work. */
export function messagingRpc(d: MessagingRpcDeps): GrpcService<MessagingServiceServer> {
  const fence = (f: { holderId: string; token: number } | undefined) => {
    if (!f) throw new AppError('invalid_argument', 'fence is required', { field: 'fence' });
    d.leases.checkFence(ADAPTER_HOST_LEASE, f.holderId, f.token, d.now());
    return f.token;
  };
  const holdsLease = (holderId: string, token: number): boolean => {
    try {
      d.leases.checkFence(ADAPTER_HOST_LEASE, holderId, token, d.now());
      return true;
    } catch (err) {
      if (AppError.from(err).code === 'failed_precondition') return false;
      throw err;
    }
  };
  return grpcService(MessagingServiceService, {
    recordInbound: unary(d.log, 'RecordInbound', (req) => {
      fence(req.fence);
      const m = req.message;
      if (!m?.address) throw new AppError('invalid_argument', 'message.address is required', { field: 'message.address' });
      const adapter = requireId(m.address.adapter, 'message.address.adapter');
      const eventId = requireId(m.eventId, 'message.event_id');
      const channelId = requireId(m.address.channelId, 'message.address.channel_id');
      if (m.address.threadId) requireId(m.address.threadId, 'message.address.thread_id');
      if (m.text.length > MAX_TEXT_CHARS) throw new AppError('invalid_argument', `message.text is longer than ${MAX_TEXT_CHARS} characters`, { field: 'message.text' });
      // A re-delivered event is answered before its files are written again over the first ones.
      const known = d.inbound.findEvent(adapter, eventId);
      if (known) return { inboundId: known.id, duplicate: true };
      const fields = {
        messageId: requireBounded(m.messageId, 'message.message_id'),
        userId: requireBounded(m.userId, 'message.user_id'),
        userName: requireBounded(m.userName, 'message.user_name'),
      };
      const attachments = saveAttachments(d.inboxDir, adapter, eventId, m.attachments, 'message.attachments');
      const { id, duplicate } = d.inbound.record(
        { adapter, eventId, channelId, threadId: m.address.threadId, ...fields, text: m.text, attachments, isGroup: m.isGroup },
        new Date(d.now()),
      );
      if (!duplicate) d.queue.wake();
      return { inboundId: id, duplicate };
    }),
    // async: a refusal thrown before the stream starts must end it with its status, and
    // serverStream only maps a rejection (a synchronous throw reaches grpc-js as INTERNAL).
    streamOutbox: serverStream(d.log, 'StreamOutbox', async (req, write, call) => {
      const token = fence(req.fence);
      const holderId = req.fence!.holderId;
      req.adapters.forEach((a, i) => requireId(a, `adapters[${i}]`));
      if (!req.adapters.length) throw new AppError('invalid_argument', 'adapters must name at least one adapter', { field: 'adapters' });
      await new Promise<void>((resolve, reject) => {
        const unsubscribe = d.feed.subscribe({
          adapters: new Set(req.adapters),
          token,
          isCurrent: () => holdsLease(holderId, token),
          sendEntry: (e) => write(toProtoEntry(e)),
          sendActivity: (address, running) => write({ activity: { address, running } }),
          end: reject,
        });
        call.once('cancelled', () => {
          unsubscribe();
          resolve();
        });
      });
    }),
    listRecentConversations: unary(d.log, 'ListRecentConversations', (req) => {
      fence(req.fence);
      const adapter = requireId(req.adapter, 'adapter');
      if (!Number.isSafeInteger(req.sinceMs) || req.sinceMs < 0) throw new AppError('invalid_argument', `since_ms must be a time in ms since the epoch, got ${req.sinceMs}`, { field: 'since_ms' });
      return { conversations: d.inbound.recentConversations(adapter, new Date(req.sinceMs), MAX_RECENT_CONVERSATIONS) };
    }),
    reportChunk: unary(d.log, 'ReportChunk', (req) => {
      const token = fence(req.fence);
      requireId(req.platformMessageId, 'platform_message_id');
      const result = d.outbox.reportChunk(req.entryId, req.index, req.count, req.platformMessageId, token, new Date(d.now()));
      if (result.delivered) d.feed.settled(req.entryId);
      return result;
    }),
    reportDeliveryFailure: unary(d.log, 'ReportDeliveryFailure', (req) => {
      fence(req.fence);
      const error = req.error.slice(0, 2000) || 'unknown error';
      const retryAt = d.now() + (req.retryAfterMs > 0 ? Math.min(req.retryAfterMs, MAX_RETRY_MS) : DEFAULT_RETRY_MS);
      d.outbox.fail(req.entryId, error, req.permanent, retryAt);
      d.log.warn({ entryId: req.entryId, permanent: req.permanent, error }, 'delivery attempt failed');
      d.feed.settled(req.entryId);
      return {};
    }),
  });
}
