import type { IncomingHttpHeaders } from 'node:http';

/** Which surface of the fake a request hit. */
export type Api = 'openai' | 'anthropic' | 'transcription' | 'models';

export interface RecordedRequest {
  api: Api;
  path: string;
  headers: IncomingHttpHeaders;
  /** JSON bodies parsed; multipart uploads as `{ fields, files: [{ field, filename, contentType, size }] }`. */
  body: unknown;
  /** Epoch milliseconds when the body had been read. */
  at: number;
  /** Set when the client closed the connection before the answer was complete. */
  clientAborted?: boolean;
}

export interface ToolCallSpec {
  id?: string;
  name: string;
  /** An object is serialised with JSON.stringify; a string is sent verbatim (it may be invalid JSON on purpose). */
  arguments: Record<string, unknown> | string;
}

export interface ErrorSpec {
  status: 400 | 401 | 429 | 500 | 503;
  message?: string;
  /** Sent as the `retry-after` header (seconds). */
  retryAfterS?: number;
  /** Provider error type; `context_length_exceeded` with 400 gives each provider's context-length shape. */
  type?: string;
  /**
   * Sent verbatim as text/html instead of the provider's JSON error object, as a proxy or load
   * balancer in front of the API answers ("<html>502 Bad Gateway</html>").
   */
  rawBody?: string;
}

export interface ReplyModifiers {
  /** Wait before the first SSE frame (streaming) or before the whole answer (non-streaming). */
  firstTokenDelayMs?: number;
  /** Streaming pace: one frame every 1000/tokensPerSecond ms; non-streaming answers wait for the whole duration. */
  tokensPerSecond?: number;
  /** Destroy the socket after this many SSE frames (0 = before any frame, or before a non-streaming answer). */
  dropAfterChunks?: number;
  /** Never answer; the request stays open until the client gives up or the fake stops. */
  hang?: boolean;
}

export type ReplyBody =
  | { text: string }
  | { toolCalls: ToolCallSpec[]; text?: string }
  | { error: ErrorSpec }
  | { hang: true };

export type Reply = ReplyBody & ReplyModifiers;

export interface RuleMatch {
  model?: string;
  /** Without `api` a rule matches chat requests of both providers, never transcriptions. */
  api?: 'openai' | 'anthropic' | 'transcription';
  lastUserIncludes?: string;
}

export interface Rule {
  match?: RuleMatch;
  /** How many requests this rule answers before it is used up; default 1, `Infinity` (or -1 over HTTP) for always. */
  times?: number;
  reply: Reply;
}
