import type { APIEmbed, APIMessage } from 'discord-api-types/v10';

export interface FakeDiscordOptions {
  /** 0 (the default) picks a free port. restart() and start() after stop() reuse the port either way. */
  port?: number;
  /** The bot token the REST API and IDENTIFY accept. Default 'fake-discord-token'. */
  token?: string;
  /** Sent in HELLO. Default 41250 like Discord; tests want a few hundred ms so heartbeats show up. */
  heartbeatIntervalMs?: number;
  /** How long a `nonce` sent with `enforce_nonce: true` dedupes a create in the same channel. Default 5 min. */
  nonceWindowMs?: number;
  /** Discord dispatches the bot's own messages back to it as MESSAGE_CREATE; default true, as there. */
  echoSentMessages?: boolean;
  /** Upload limit per file (Discord's default for bots is 10 MiB); a bigger file answers 413 code 40005. */
  maxUploadBytes?: number;
  /** Clock for snowflakes, timestamps and the nonce window. Default Date.now. */
  now?: () => number;
  /** Where the fake complains about requests it cannot serve. Default console.error. */
  log?: (line: string) => void;
}

export interface UserSpec {
  /** Default 100000000000000002 ("alice"). */
  id?: string;
  username?: string;
  globalName?: string | null;
  bot?: boolean;
}

/** The fixture channels by role: two guild text channels, a thread under general, the author's DM. */
export type FakeChannel = 'general' | 'second' | 'thread' | 'dm';

export interface InjectAttachment {
  data: Buffer;
  fileName: string;
  /** Default: guessed from the file name's extension. */
  contentType?: string;
}

/** A message from a user, dispatched as MESSAGE_CREATE to every session (live ones now, dropped ones on RESUME). */
export interface InjectMessage {
  /** Default 'general'. */
  channel?: FakeChannel;
  /** Posts in this channel instead, e.g. a thread the bot opened; wins over `channel`. */
  channelId?: string;
  /** Opens a new public thread with this name under `channel` first (THREAD_CREATE, as when a user starts one). */
  newThread?: string;
  text: string;
  author?: UserSpec;
  attachments?: InjectAttachment[];
  /** Prefixes `<@bot>` to the text, so the bot is in `mentions` as when a user @-mentions it. */
  mentionBot?: boolean;
  /** Makes it a reply (type 19) to this message id. */
  replyTo?: string;
}

export interface SentAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  bytes: Buffer;
  url: string;
  description?: string;
}

/** A message the bot created through POST /channels/:id/messages. */
export interface SentMessage {
  id: string;
  channelId: string;
  content: string;
  /** As the client sent it: `{ message_id, fail_if_not_exists, … }`. */
  messageReference?: Record<string, unknown>;
  attachments: SentAttachment[];
  embeds: APIEmbed[];
  nonce?: string | number;
  enforceNonce: boolean;
  flags: number;
  at: number;
  /** Later PATCHes, oldest first. */
  edits: Array<{ content: string; at: number }>;
  deletedAt?: number;
  /** The message object the fake answered with. */
  message: APIMessage;
}

export interface RestCall {
  method: string;
  /** Below the versioned root: `/channels/300000000000000001/messages`. */
  path: string;
  /** The route it matched, `/channels/:channel/messages`; the path itself when none did. */
  route: string;
  query: Record<string, string>;
  /** The request headers, with the token in `authorization` replaced by [redacted]. */
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON; for multipart `{ payload_json, files: [{ field, filename, contentType, size }] }`. */
  body: unknown;
  at: number;
  /** Set once answered. */
  status?: number;
  /** True when failNext() answered it (a processFirst fault carried it out all the same). */
  injectedFault?: boolean;
}

export interface TypingEvent {
  channelId: string;
  at: number;
}

export interface IdentifyRecord {
  at: number;
  sessionId: string;
  intents: number;
  shard?: unknown;
  properties?: unknown;
}

export interface ResumeRecord {
  at: number;
  sessionId: string;
  seq: number;
  /** `resumed`: replayed and RESUMED; `invalid`: unknown or expired session, answered INVALID_SESSION(false). */
  outcome: 'resumed' | 'invalid';
  replayed: number;
}

/** What happened on the gateway, for asserting "it resumed" rather than "it identified again". */
export interface GatewayRecord {
  /** WebSocket connections accepted. */
  connections: number;
  heartbeats: number;
  identifies: IdentifyRecord[];
  resumes: ResumeRecord[];
  /** Close codes the client closed with (1006 for a dropped socket). */
  closes: number[];
}

/**
 * Which REST requests a fault applies to: an HTTP method ("POST"), a route ("POST /channels/:id/messages",
 * or "/channels/:id/typing" for any method; `:name` matches one segment), or a predicate.
 */
export type RouteMatch = string | ((call: RestCall) => boolean);

export type FailSpec =
  /** `retryAfter` in seconds (default 1), as Discord's body and `retry-after` header carry it. */
  | { status: 429; retryAfter?: number; global?: boolean; match?: RouteMatch }
  /**
   * `processFirst`: carry the request out, then answer the error (the ambiguous outcome nonces exist for).
   * @discordjs/rest retries a 5xx at once, 3 times by default: a 4th consecutive failure reaches the caller.
   */
  | { status: 500 | 502 | 503 | 504; processFirst?: boolean; match?: RouteMatch };

export interface DropOptions {
  /** Absent: terminate the TCP socket (1006; discord.js resumes). 1000 makes discord.js identify again; 4004 is fatal. */
  code?: number;
  reason?: string;
}
