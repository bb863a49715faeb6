import type { Logger, Platform } from '@cliver/common';
import type { RenderedChunk } from './outbound/render';

/** One conversation on a platform: where a message came from and where its answer goes. */
export interface Address {
  channelId: string;
  /** Forum topic, thread channel or thread ts; '' for none. */
  threadId: string;
}

/** A file that came with a message, or goes with a reply. */
export interface IncomingFile {
  kind: 'image' | 'voice' | 'file';
  fileName: string;
  mimeType: string;
  data: Uint8Array;
}

/** A platform event turned into our terms by an adapter; the rest of adapter-host never sees platform shapes. */
export interface IncomingMessage {
  address: Address;
  /** The platform's unique id of the event: with the adapter's name, the dedupe key. */
  eventId: string;
  messageId: string;
  userId: string;
  userName: string;
  text: string;
  files: IncomingFile[];
  /** Several people can read the conversation (group, channel, guild). */
  isGroup: boolean;
  /** The message names the bot (@mention, reply to the bot, or a DM). */
  mentionsBot: boolean;
  sentAtMs: number;
}

export type OutgoingFile = IncomingFile;

export interface RecentConversation {
  address: Address;
  lastEventId: string;
}

export type AdapterState = 'connecting' | 'connected' | 'error';

/** What adapter-host gives an adapter when it starts it. */
export interface AdapterContext {
  /** The adapter's key under `gateway.platforms`. */
  name: string;
  config: Platform;
  log: Logger;
  /**
   * Hands an event over. Resolves once agent-core has committed it (or deliberately ignored it):
   * only then may the adapter acknowledge it to the platform. Rejects when it could not be
   * recorded: do not acknowledge; deliver it again later.
   */
  receive(message: IncomingMessage): Promise<void>;
  /** The connection changed state; `error` says why in words a person can act on. */
  setState(state: AdapterState, error?: string): void;
  /**
   * The conversations with a message recorded since `sinceMs`, each with the platform event id of
   * its newest one. A platform without acknowledgements fetches what came after that when its
   * connection starts a new session (Discord after a failed RESUME or a restart).
   */
  recentConversations(sinceMs: number): Promise<RecentConversation[]>;
  /** The connection proved alive just now: a poll completed, a heartbeat was acknowledged, an event came in. */
  markAlive(): void;
}

/** A refused or failed send, sorted by what the delivery loop should do about it. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    /** True when sending the same again cannot succeed (bad request, bot blocked, unknown chat). */
    readonly permanent: boolean,
    /** The platform asked to wait this long before trying again. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}

export interface SendOptions {
  /** The platform message to answer (first chunk only); may be ignored where replies are not threads. */
  replyTo?: string;
  /** Stable per (entry, chunk): platforms with idempotent sends (Discord nonces) post it once. */
  idempotencyKey: string;
}

/**
 * One platform connection: the contract every built-in adapter implements and a custom adapter
 * module must export (bolt-js's Receiver is the model: transport only, small). Adapters never
 * touch the store or the agent: they turn platform events into IncomingMessage, render and post
 * chunks, and report their state.
 */
export interface PlatformAdapter {
  /** Connects and starts delivering events to `ctx.receive`; resolves once started (not necessarily connected). */
  start(ctx: AdapterContext): Promise<void>;
  /** Disconnects; events not yet acknowledged are delivered again by the platform later. */
  stop(): Promise<void>;
  /** Renders the agent's markdown for this platform and cuts it into chunks within its limit. */
  render(markdown: string): RenderedChunk[];
  /** Posts one chunk; resolves with the platform's message id, or throws DeliveryError. */
  sendChunk(to: Address, chunk: RenderedChunk, options: SendOptions): Promise<string>;
  /** Posts one file (an attachment of a reply); resolves with the platform's message id, or throws DeliveryError. */
  sendFile(to: Address, file: OutgoingFile, options: SendOptions): Promise<string>;
  /** Shows "typing" in the conversation for a few seconds. */
  sendTyping(to: Address): Promise<void>;
  /** How often `sendTyping` must be repeated while a turn runs. */
  readonly typingIntervalMs: number;
  /** Chunks the platform refused to format and that went out as plain text (shown in `gateway status`). */
  readonly formattingFallbacks?: number;
}

/** The members a custom adapter module's instance must have, checked at start. */
export const ADAPTER_MEMBERS = ['start', 'stop', 'render', 'sendChunk', 'sendFile', 'sendTyping'] as const;
