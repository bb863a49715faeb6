import { AppError, call, type AgentCoreClients, type Fence } from '@cliver/common';
import type { RecentConversation } from '../platform';

/** The adapter's conversations with a recorded message since `sinceMs`, asked with this replica's lease. */
export async function recentConversations(core: AgentCoreClients, fence: () => Fence | undefined, adapter: string, sinceMs: number): Promise<RecentConversation[]> {
  const f = fence();
  if (!f) throw new AppError('failed_precondition', 'this adapter-host does not hold the lease', { reason: 'not_leader' });
  const { messaging } = core;
  const res = await call(messaging, messaging.listRecentConversations, { fence: f, adapter, sinceMs: Math.floor(sinceMs) }, { deadlineMs: 10_000, waitForReady: true });
  return res.conversations.map((c) => ({ address: { channelId: c.channelId, threadId: c.threadId }, lastEventId: c.lastEventId }));
}
