import { join } from 'node:path';
import type { Config, GrpcService, Logger } from '@cliver/common';
import type { BuiltAgent } from '../agent/build-agent';
import { secretRedactor } from '../providers/secret-redactor';
import { messagingRpc } from '../rpc/messaging-rpc';
import type { OpenedStore } from '../store/db';
import { InboundRepo } from '../store/inbound-repo';
import type { LeaseRepo } from '../store/lease-repo';
import { OutboxRepo } from '../store/outbox-repo';
import { ConversationQueue } from './conversation-queue';
import { MessageRunner } from './message-runner';
import { OutboxFeed } from './outbox-feed';
import { findAudioProvider, voiceTranscriber, type TranscribeVoice } from './transcribe-voice';

export interface Messaging {
  rpc: GrpcService;
  queue: ConversationQueue;
  outbox: OutboxRepo;
  feed: OutboxFeed;
}

/** Wires chat messaging: the recorded inbound queue, the turns it runs and the delivery outbox. */
export function buildMessaging(opts: {
  config: Config;
  store: OpenedStore;
  agent: BuiltAgent;
  leases: LeaseRepo;
  agentDir: string;
  maxParallel: number;
  log: Logger;
  now: () => number;
}): Messaging {
  const { store, agent, log } = opts;
  const transcribe = buildTranscriber(opts.config, log);
  const inbound = new InboundRepo(store.db);
  const outbox = new OutboxRepo(store.db);
  const feed = new OutboxFeed(outbox, opts.now);
  const runner = new MessageRunner({
    agentDir: opts.agentDir,
    agent: agent.agent,
    catalog: agent.catalog,
    sessions: agent.sessions,
    inbound,
    outbox,
    feed,
    transcribe,
    log: log.child({ component: 'messages' }),
    now: () => new Date(opts.now()),
  });
  const queue = new ConversationQueue({
    inbound,
    run: runner.run,
    maxParallel: opts.maxParallel,
    log: log.child({ component: 'messages' }),
    onActivity: (item, running) => feed.activity({ adapter: item.adapter, channelId: item.channelId, threadId: item.threadId }, running),
  });
  const rpc = messagingRpc({ log, leases: opts.leases, inbound, outbox, queue, feed, inboxDir: join(opts.agentDir, 'inbox'), now: opts.now });
  return { rpc: { ...rpc, drain: () => feed.stop() }, queue, outbox, feed };
}

function buildTranscriber(config: Config, log: Logger): TranscribeVoice | undefined {
  const audio = findAudioProvider(config);
  if (!audio) {
    log.info('no audio-capable provider is configured: voice messages are offered to the agent as files');
    return undefined;
  }
  log.info({ provider: audio.provider, model: audio.model }, 'voice messages are transcribed');
  return voiceTranscriber(audio, { timeoutMs: config.agent.provider_timeout_seconds * 1000, redact: secretRedactor(config) });
}
