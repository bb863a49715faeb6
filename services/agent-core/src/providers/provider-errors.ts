import { AppError } from '@cliver/common';

interface SdkErrorLike {
  status?: number;
  headers?: Headers | Record<string, string | null | undefined>;
  message?: string;
  code?: string | null;
  name?: string;
  error?: { type?: string; code?: string; message?: string };
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
 * Sorts an error from the openai or anthropic SDK into our codes. An upstream failure is not
 * the caller's failure: a provider 401 means our config is wrong (unavailable), not that the
 * caller is unauthenticated.
 */
export function toProviderError(err: unknown, provider: string): AppError {
  if (err instanceof AppError) return err;
  const e = (err ?? {}) as SdkErrorLike;
  const detail = e.error?.message ?? e.message ?? String(err);
  const name = e.name ?? '';
  if (/abort/i.test(name)) {
    return new AppError('unavailable', 'the request was cancelled', { reason: 'cancelled', cause: err });
  }
  if (/Timeout/i.test(name)) {
    return new AppError('deadline_exceeded', `provider '${provider}' did not answer in time`, { reason: 'provider_timeout', cause: err });
  }
  const status = e.status;
  if (status === undefined) {
    return new AppError('unavailable', `provider '${provider}' is unreachable: ${detail}`, { reason: 'provider_unreachable', cause: err });
  }
  if (status === 401 || status === 403) {
    return new AppError('unavailable', `provider '${provider}' rejected our credentials (HTTP ${status}): check its api_key in config.yaml`, {
      reason: 'provider_auth_failed',
      cause: err,
    });
  }
  if (status === 429) {
    return new AppError('resource_exhausted', `provider '${provider}' is rate limiting requests: ${detail}`, {
      reason: 'provider_rate_limited',
      retryAfterMs: retryAfterMs(e.headers),
      cause: err,
    });
  }
  if (status === 400 || status === 413 || status === 422) {
    if (isContextLength(e)) {
      return new AppError('invalid_argument', `the conversation is too long for the model: ${detail}`, { reason: 'context_length_exceeded', field: 'messages', cause: err });
    }
    return new AppError('invalid_argument', `provider '${provider}' rejected the request: ${detail}`, { reason: 'provider_bad_request', cause: err });
  }
  if (status === 404) {
    return new AppError('unavailable', `provider '${provider}' does not know the model (HTTP 404): ${detail}`, { reason: 'provider_model_not_found', cause: err });
  }
  return new AppError('unavailable', `provider '${provider}' failed (HTTP ${status}): ${detail}`, {
    reason: 'provider_unavailable',
    retryAfterMs: retryAfterMs(e.headers),
    cause: err,
  });
}

/**
 * A failure after the answer started streaming. Without an HTTP status it is the connection
 * breaking off, whatever words the HTTP client used for it ("terminated", "other side closed").
 */
export function toStreamBreakError(err: unknown, provider: string): AppError {
  const e = toProviderError(err, provider);
  if (e.reason !== 'provider_unreachable') return e;
  return new AppError('unavailable', `provider '${provider}' broke off its answer midway`, { reason: 'provider_unreachable', cause: err });
}
