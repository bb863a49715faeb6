import { AppError } from '@cliver/common';
import type { StopReason } from './call-deadline';
import { describeConnectionFailure } from './connection-failure';
import { chainRedactors, noRedaction, redactorOf, type Redact } from './secret-redactor';

/** What a provider error message names, and what it must hide. */
export interface ProviderErrorContext {
  /** The provider's key in config.yaml. */
  provider: string;
  /** host[:port] of its api_url, for connection failures whose error does not name one. */
  host: string;
  /** agent.provider_timeout_seconds, in ms. */
  timeoutMs: number;
  /** Applied to all text that came from upstream: it may quote our api_key. */
  redact: Redact;
}

function hostOf(apiUrl: string): string {
  try {
    return new URL(apiUrl).host;
  } catch {
    return apiUrl;
  }
}

/**
 * The error context of one provider's calls: its host from the URL, and redaction of the config's
 * secrets plus its own api_key (masked even when the config redactor does not know it).
 */
export function providerErrorContext(p: { provider: string; apiUrl: string; apiKey?: string; timeoutMs: number; redact?: Redact }): ProviderErrorContext {
  const ownKey = p.apiKey ? redactorOf([{ path: `providers.${p.provider}.api_key`, value: p.apiKey }]) : noRedaction;
  return { provider: p.provider, host: hostOf(p.apiUrl), timeoutMs: p.timeoutMs, redact: chainRedactors(p.redact ?? noRedaction, ownKey) };
}

interface SdkErrorLike {
  status?: number;
  headers?: Headers | Record<string, string | null | undefined>;
  message?: string;
  stack?: string;
  code?: string | null;
  name?: string;
  /** OpenAI's `error` object; Anthropic's whole body, `{ type: 'error', error: { type, message } }`. */
  error?: { type?: string; code?: string; message?: string; error?: { type?: string; message?: string } };
}

function header(headers: SdkErrorLike['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  return (headers as Record<string, string | undefined>)[name] ?? undefined;
}

function retryAfterMs(headers: SdkErrorLike['headers']): number | undefined {
  const ms = Number(header(headers, 'retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const raw = header(headers, 'retry-after');
  if (!raw) return undefined;
  const s = Number(raw);
  if (Number.isFinite(s)) return s * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function isContextLength(e: SdkErrorLike): boolean {
  const text = `${e.error?.code ?? ''} ${e.code ?? ''} ${e.error?.message ?? e.message ?? ''}`;
  return /context_length_exceeded|context length|prompt is too long|too many tokens|maximum context/i.test(text);
}

/**
 * Whether `err` is an instance of the SDK class `name`, in either SDK. By class name, because
 * openai's error classes keep the name "Error" and this module must not load the Anthropic SDK;
 * provider-errors.test.ts checks real instances of both SDKs, so a rename breaks a test.
 */
function isSdkError(err: unknown, name: string): boolean {
  for (let p = err === null || typeof err !== 'object' ? null : Object.getPrototypeOf(err); p && p !== Error.prototype; p = Object.getPrototypeOf(p)) {
    if ((p as { constructor?: { name?: string } }).constructor?.name === name) return true;
  }
  return false;
}

function isTimeout(err: unknown, name: string): boolean {
  // DOMException "TimeoutError" is what fetch rejects with for AbortSignal.timeout().
  return isSdkError(err, 'APIConnectionTimeoutError') || name === 'TimeoutError';
}

function isAbort(err: unknown, name: string): boolean {
  return isSdkError(err, 'APIUserAbortError') || name === 'AbortError';
}

// An upstream's error text goes into our message; a proxy's whole HTML page does not.
const MAX_DETAIL_CHARS = 500;

function shortened(text: string): string {
  return text.length <= MAX_DETAIL_CHARS ? text : `${text.slice(0, MAX_DETAIL_CHARS)}…`;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/**
 * A provider that did not answer within agent.provider_timeout_seconds. Never retried: the
 * request reached the provider and may still be running (and billed) there, so a retry could
 * pay for the answer twice and triple the wait; the caller decides whether to try again.
 */
export function providerTimeoutError(ctx: ProviderErrorContext, midway: boolean, cause?: unknown): AppError {
  const what = midway ? 'stopped sending its answer for' : 'did not answer within';
  return new AppError(
    'deadline_exceeded',
    `provider '${ctx.provider}' ${what} ${seconds(ctx.timeoutMs)}: it may be overloaded, or the model needs longer (raise agent.provider_timeout_seconds in config.yaml). ` +
      'Not retried, as the request may still be running there.',
    { reason: 'provider_timeout', cause },
  );
}

export function cancelledError(cause?: unknown): AppError {
  return new AppError('unavailable', 'the request was cancelled', { reason: 'cancelled', cause });
}

/**
 * The SDK error with upstream text masked, for `cause` (it is logged): the original when it
 * quotes no secret, else a copy with the message, stack and body redacted.
 */
function scrubbed(err: unknown, redact: Redact): unknown {
  if (!(err instanceof Error)) return typeof err === 'string' ? redact(err) : err;
  const e = err as Error & SdkErrorLike;
  const text = `${e.message}\n${e.stack ?? ''}\n${JSON.stringify(e.error ?? null)}`;
  if (redact(text) === text) return err;
  const copy = new Error(redact(e.message)) as Error & SdkErrorLike;
  copy.name = e.name;
  copy.stack = redact(e.stack ?? '');
  copy.status = e.status;
  if (e.error !== undefined) copy.error = JSON.parse(redact(JSON.stringify(e.error))) as SdkErrorLike['error'];
  return copy;
}

function fromStatus(e: SdkErrorLike, status: number, detail: string, ctx: ProviderErrorContext, cause: unknown): AppError {
  const p = ctx.provider;
  if (status === 401 || status === 403) {
    return new AppError('unavailable', `provider '${p}' rejected our credentials (HTTP ${status}): check its api_key in config.yaml. The provider said: ${detail}`, {
      reason: 'provider_auth_failed',
      cause,
    });
  }
  if (status === 429) {
    return new AppError('resource_exhausted', `provider '${p}' is rate limiting requests: ${detail}`, { reason: 'provider_rate_limited', retryAfterMs: retryAfterMs(e.headers), cause });
  }
  if (status === 400 || status === 413 || status === 422) {
    if (isContextLength(e)) {
      return new AppError('invalid_argument', `the conversation is too long for the model: ${detail}`, { reason: 'context_length_exceeded', field: 'messages', cause });
    }
    return new AppError('invalid_argument', `provider '${p}' rejected the request: ${detail}`, { reason: 'provider_bad_request', cause });
  }
  if (status === 404) {
    return new AppError('unavailable', `provider '${p}' does not know the model (HTTP 404): ${detail}`, { reason: 'provider_model_not_found', cause });
  }
  return new AppError('unavailable', `provider '${p}' failed (HTTP ${status}): ${detail}`, { reason: 'provider_unavailable', retryAfterMs: retryAfterMs(e.headers), cause });
}

/**
 * Sorts an error from the openai or anthropic SDK into our codes. An upstream failure is not
 * the caller's failure: a provider 401 means our config is wrong (unavailable), not that the
 * caller is unauthenticated. `stopped` is the call's own verdict (CallDeadline): the SDKs
 * report our timer's abort as a user abort. All upstream text is redacted.
 */
export function toProviderError(err: unknown, ctx: ProviderErrorContext, stopped?: StopReason): AppError {
  if (err instanceof AppError) return err;
  const e = (err ?? {}) as SdkErrorLike;
  const name = e.name ?? '';
  const cause = scrubbed(err, ctx.redact);
  if (stopped === 'timeout' || (stopped === undefined && isTimeout(err, name))) return providerTimeoutError(ctx, false, cause);
  if (stopped === 'cancelled' || isAbort(err, name)) return cancelledError(cause);
  const detail = shortened(ctx.redact(e.error?.error?.message ?? e.error?.message ?? e.message ?? String(err)));
  if (e.status !== undefined) return fromStatus(e, e.status, detail, ctx, cause);
  if (err instanceof SyntaxError) {
    return new AppError('unavailable', `provider '${ctx.provider}' sent an answer that is not valid JSON (${detail}): check that api_url points at its API`, {
      reason: 'provider_bad_response',
      cause,
    });
  }
  const why = describeConnectionFailure(err, ctx.host);
  return new AppError('unavailable', `provider '${ctx.provider}' is unreachable: ${why ? ctx.redact(why) : detail}`, { reason: 'provider_unreachable', cause });
}

/**
 * A failure after the answer started streaming. Without an HTTP status it is the connection
 * breaking off, whatever words the HTTP client used for it ("terminated", "other side closed").
 */
export function toStreamBreakError(err: unknown, ctx: ProviderErrorContext, stopped?: StopReason): AppError {
  if (stopped === 'timeout') return providerTimeoutError(ctx, true, scrubbed(err, ctx.redact));
  const e = toProviderError(err, ctx, stopped);
  if (e.reason !== 'provider_unreachable') return e;
  return new AppError('unavailable', `provider '${ctx.provider}' broke off its answer midway`, { reason: 'provider_unreachable', cause: e.cause });
}
