import { AppError, type Logger } from '@cliver/common';
import type { Agent } from '../agent/agent';
import type { ModelCatalog } from '../providers/model-catalog';
import type { SessionRepo } from '../sessions/session-repo';
import type { InboundItem, InboundRepo } from '../store/inbound-repo';
import type { Address, OutboxRepo } from '../store/outbox-repo';
import { messageInput } from './message-input';
import type { OutboxFeed } from './outbox-feed';

export interface MessageRunnerDeps {
  agent: Agent;
  catalog: ModelCatalog;
  sessions: SessionRepo;
  inbound: InboundRepo;
  outbox: OutboxRepo;
  feed: OutboxFeed;
  log: Logger;
  now: () => Date;
}

export const HELP_TEXT = [
  'I am an AI assistant. Write to me as you would to a person; in a group, every message reaches me.',
  'I remember this conversation (each thread is its own conversation). I can schedule tasks for you ("remind me every Monday at 9"), remember things, and use the tools and skills my owner set up.',
  'Commands:',
  '- /new: start a new conversation in this thread (I forget what we said here)',
  '- /help: this text',
].join('\n');

/** `/new` or `/new@mybot` (Telegram appends the bot's name in groups). */
function commandOf(text: string): string | undefined {
  const m = /^\/([a-z]+)(?:@[\w.]+)?\s*$/i.exec(text.trim());
  return m?.[1]?.toLowerCase();
}

/**
 * Runs one recorded IM message to its end. Every outcome writes exactly one outbox entry keyed by
 * the message (`inbound:<id>`) in the transaction that closes the message: the answer, the
 * answer to a command, or a notice that the turn failed. So a message is never dropped silently
 * and never answered twice, even when its turn runs again after a crash.
 */
export class MessageRunner {
  constructor(private readonly d: MessageRunnerDeps) {}

  readonly run = async (item: InboundItem, signal: AbortSignal): Promise<void> => {
    const command = commandOf(item.text);
    if (command === 'new') {
      return this.answer(item, () => {
        this.d.sessions.forgetKey(item.conversation);
        return 'Started a new conversation. What shall we talk about?';
      });
    }
    if (command === 'help') return this.answer(item, () => HELP_TEXT);
    const started = Date.now();
    try {
      const model = this.d.catalog.resolve(undefined);
      const input = await messageInput(item.text, item.attachments, model.capabilities.includes('image_to_text'));
      await this.d.agent.run(
        {
          requestId: `im-${item.id}-${item.attempts}`,
          surface: 'im',
          stateless: false,
          messages: [input],
          options: {},
          clientTools: [],
          skills: [],
          toolFilter: [],
          origin: { platform: item.adapter, channelId: item.channelId, threadId: item.threadId, userId: item.userId },
          onCommit: (answer) => this.writeReply(item, answer.trim() ? answer : '(I have no answer to that.)'),
        },
        () => undefined,
        signal,
      );
      this.d.feed.notify();
      this.d.log.info({ inboundId: item.id, conversation: item.conversation, durationMs: Date.now() - started }, 'message answered');
    } catch (err) {
      if (signal.aborted) return;
      const e = AppError.from(err);
      if (e.code === 'internal') this.d.log.error({ err, inboundId: item.id }, 'message turn failed');
      else this.d.log.warn({ err, inboundId: item.id, reason: e.reason }, 'message turn failed');
      const reason = e.code === 'internal' ? 'an internal error' : e.message;
      this.d.sessions.transaction(() => {
        this.d.outbox.insert({ dedupeKey: `inbound:${item.id}`, address: addressOf(item), replyToMessageId: item.messageId, markdown: `Sorry, I could not answer that: ${reason}` }, this.d.now());
        this.d.inbound.markFailed(item.id, e.message, this.d.now());
      });
      this.d.feed.notify();
    }
  };

  private answer(item: InboundItem, work: () => string): void {
    this.d.sessions.transaction(() => this.writeReply(item, work()));
    this.d.feed.notify();
  }

  // Runs inside the transaction that stores the turn.
  private writeReply(item: InboundItem, markdown: string): void {
    this.d.outbox.insert({ dedupeKey: `inbound:${item.id}`, address: addressOf(item), replyToMessageId: item.messageId, markdown }, this.d.now());
    this.d.inbound.markDone(item.id, this.d.now());
  }
}

function addressOf(item: InboundItem): Address {
  return { adapter: item.adapter, channelId: item.channelId, threadId: item.threadId };
}
