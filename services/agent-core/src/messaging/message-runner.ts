import { AppError, type Logger } from '@cliver/common';
import type { Agent } from '../agent/agent';
import type { ModelCatalog } from '../providers/model-catalog';
import type { SessionRepo } from '../sessions/session-repo';
import type { InboundItem, InboundRepo, StoredAttachment } from '../store/inbound-repo';
import type { Address, OutboxRepo } from '../store/outbox-repo';
import { messageInput } from './message-input';
import { ReplyFiles, sendFileTool } from './reply-files';
import type { OutboxFeed } from './outbox-feed';
import type { TranscribeVoice } from './transcribe-voice';

export interface MessageRunnerDeps {
  /** The agent's folder: SendFile reads from its files/ and inbox/. */
  agentDir: string;
  agent: Agent;
  catalog: ModelCatalog;
  sessions: SessionRepo;
  inbound: InboundRepo;
  outbox: OutboxRepo;
  feed: OutboxFeed;
  /** Absent when no provider is audio-capable. */
  transcribe?: TranscribeVoice;
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

// A message whose turn was cut off this many times (each start of agent-core ran it again) is
// answered with a notice instead: one message that crashes the process must not do so forever.
const MAX_STARTS = 5;

/** `/new` or `/new@mybot` (Telegram appends the bot's name in groups). */
function commandOf(text: string): string | undefined {
  const m = /^\/([a-z]+)(?:@[\w.]+)?\s*$/i.exec(text.trim());
  return m?.[1]?.toLowerCase();
}

function replyKey(item: InboundItem): string {
  return `inbound:${item.id}`;
}

function addressOf(item: InboundItem): Address {
  return { adapter: item.adapter, channelId: item.channelId, threadId: item.threadId };
}

/**
 * Thrown inside the transaction that would store a second answer to a message: rolling it back
 * keeps the turn's session messages (and a `/new`) from being stored twice as well.
 */
class AlreadyAnswered extends Error {}

/**
 * Runs one recorded IM message to its end. Every outcome writes exactly one outbox entry keyed by
 * the message (`inbound:<id>`) in the transaction that closes the message: the answer, the
 * answer to a command, or a notice that the turn failed. So a message is never dropped silently
 * and never answered twice, even when its turn runs again after a crash.
 */
export class MessageRunner {
  constructor(private readonly d: MessageRunnerDeps) {}

  readonly run = async (item: InboundItem, signal: AbortSignal): Promise<void> => {
    try {
      await this.answer(item, signal);
    } catch (err) {
      if (err instanceof AlreadyAnswered) {
        this.d.log.info({ inboundId: item.id }, 'message was answered by an earlier run; this run stored nothing');
        return;
      }
      if (signal.aborted) return; // requeued by the queue, runs again after the next start
      this.fail(item, err);
    }
    this.d.feed.notify();
  };

  private async answer(item: InboundItem, signal: AbortSignal): Promise<void> {
    const command = commandOf(item.text);
    if (command === 'new') {
      return this.reply(item, () => {
        this.d.sessions.forgetKey(item.conversation);
        return 'Started a new conversation. What shall we talk about?';
      });
    }
    if (command === 'help') return this.reply(item, () => HELP_TEXT);
    if (item.attempts >= MAX_STARTS) {
      throw new AppError('failed_precondition', `answering it was interrupted ${item.attempts} times (agent-core stopped each time)`, { reason: 'message_interrupted' });
    }
    await this.runTurn(item, signal);
  }

  private async runTurn(item: InboundItem, signal: AbortSignal): Promise<void> {
    const started = this.d.now().getTime();
    const model = this.d.catalog.resolve(undefined);
    const input = await messageInput(item.text, item.attachments, {
      canSeeImages: model.capabilities.includes('image_to_text'),
      transcribe: this.d.transcribe,
      signal,
      onTranscriptionFailed: (voice, err) => this.d.log.warn({ err, inboundId: item.id, file: voice.fileName, reason: err.reason }, 'voice message not transcribed'),
    });
    const files = new ReplyFiles(this.d.agentDir);
    await this.d.agent.run(
      {
        requestId: `im-${item.id}-${item.attempts}`,
        turnTools: [sendFileTool(files)],
        surface: 'im',
        stateless: false,
        messages: [input],
        options: {},
        clientTools: [],
        skills: [],
        toolFilter: [],
        origin: { platform: item.adapter, channelId: item.channelId, threadId: item.threadId, userId: item.userId },
        onCommit: (answer) => this.writeReply(item, answer.trim() || files.list().length ? answer : '(I have no answer to that.)', files.list()),
      },
      () => undefined,
      signal,
    );
    this.d.log.info({ inboundId: item.id, conversation: item.conversation, durationMs: this.d.now().getTime() - started }, 'message answered');
  }

  private fail(item: InboundItem, err: unknown): void {
    const e = AppError.from(err);
    if (e.code === 'internal') this.d.log.error({ err, inboundId: item.id }, 'message turn failed');
    else this.d.log.warn({ err, inboundId: item.id, reason: e.reason }, 'message turn failed');
    const reason = e.code === 'internal' ? 'an internal error' : e.message;
    this.d.sessions.transaction(() => {
      const markdown = `Sorry, I could not answer that: ${reason}`;
      const { created } = this.d.outbox.insert({ dedupeKey: replyKey(item), address: addressOf(item), replyToMessageId: item.messageId, markdown }, this.d.now());
      // An earlier run answered it after all: its `done` stands.
      if (created) this.d.inbound.markFailed(item.id, e.message, this.d.now());
    });
  }

  private reply(item: InboundItem, work: () => string): void {
    this.d.sessions.transaction(() => this.writeReply(item, work()));
  }

  // Runs inside the transaction that stores the turn.
  private writeReply(item: InboundItem, markdown: string, attachments: StoredAttachment[] = []): void {
    const { created } = this.d.outbox.insert({ dedupeKey: replyKey(item), address: addressOf(item), replyToMessageId: item.messageId, markdown, attachments }, this.d.now());
    if (!created) throw new AlreadyAnswered(`message ${item.id} has an answer already`);
    this.d.inbound.markDone(item.id, this.d.now());
  }
}
