import { AppError, call, type AgentCoreClients, type Fence } from '@cliver/common';
import type { IncomingMessage } from '../platform';

/**
 * Records an event in agent-core with this replica's lease. Resolves once agent-core committed it;
 * rejects otherwise (the adapter then does not acknowledge it to the platform).
 */
export async function recordInbound(core: AgentCoreClients, fence: () => Fence | undefined, adapter: string, m: IncomingMessage): Promise<{ duplicate: boolean }> {
  const f = fence();
  if (!f) throw new AppError('failed_precondition', 'this adapter-host does not hold the lease', { reason: 'not_leader' });
  const { messaging } = core;
  const res = await call(messaging, messaging.recordInbound, {
    fence: f,
    message: {
      address: { adapter, channelId: m.address.channelId, threadId: m.address.threadId },
      eventId: m.eventId,
      messageId: m.messageId,
      userId: m.userId,
      userName: m.userName,
      text: m.text,
      attachments: m.files.map((file) => ({ kind: file.kind, fileName: file.fileName, mimeType: file.mimeType, data: Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength) })),
      sentAtMs: m.sentAtMs,
      isGroup: m.isGroup,
    },
  }, { deadlineMs: 10_000, waitForReady: true });
  return { duplicate: res.duplicate };
}
