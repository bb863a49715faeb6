import type { APIThreadChannel } from 'discord-api-types/v10';
import { threadChannel } from './fixtures';
import type { Broadcast } from './gateway/session-store';
import { hasIntent, INTENTS } from './intents';
import type { DiscordState } from './state';

export interface NewThread {
  /** A thread started from a message has that message's id, as on Discord. */
  id: string;
  name: string;
  parentId: string;
  ownerId: string;
}

/**
 * Stores a public thread and dispatches THREAD_CREATE (with the Guilds intent), as Discord does when
 * anyone opens one. discord.js needs it before a message in the thread: without it the thread's
 * parent is unknown (fake-platforms.md §2.3).
 */
export function openThread(state: DiscordState, broadcast: Broadcast, spec: NewThread): APIThreadChannel {
  const thread = threadChannel({ ...spec, createdAt: state.timestamp() });
  state.addThread(thread);
  const d = { ...thread, newly_created: true };
  broadcast('THREAD_CREATE', (intents) => (hasIntent(intents, INTENTS.guilds) ? d : undefined));
  return thread;
}
