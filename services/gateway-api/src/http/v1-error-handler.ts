import type { ErrorRequestHandler, Request } from 'express';
import { AppError, retryAfterSeconds, toOpenAiError, type Logger, type OpenAiErrorBody } from '@cliver/common';

// Errors body-parser raises before our code runs, sorted into our codes.
function fromBodyParser(err: { type?: string; limit?: number }): AppError | undefined {
  if (err.type === 'entity.parse.failed') {
    return new AppError('invalid_argument', 'We could not parse the JSON body of your request: it is not valid JSON.', { reason: 'invalid_json' });
  }
  if (err.type === 'entity.too.large') {
    return new AppError('invalid_argument', `The request body is larger than the limit of ${err.limit} bytes.`, { reason: 'payload_too_large' });
  }
  if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') {
    return new AppError('invalid_argument', 'The request body uses an unsupported encoding.', { reason: 'unsupported_encoding' });
  }
  return undefined;
}

export function toV1Error(err: AppError, req: Request): { status: number; body: OpenAiErrorBody } {
  // /v1 talks to one service only, so "the service" can be named for the operator.
  const named =
    err.reason === 'service_unreachable'
      ? new AppError('unavailable', 'agent-core is not reachable: the gateway is starting or degraded (see /health).', { reason: 'service_unreachable' })
      : err;
  return toOpenAiError(named, req.get('x-request-id') ?? undefined);
}

/** The /v1 error handler: every failure as OpenAI's error object with the matching status. */
export function v1ErrorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = fromBodyParser(err as { type?: string }) ?? AppError.from(err);
    if (appError.code === 'internal') log.error({ err, path: req.path }, '/v1 request failed');
    if (res.headersSent) return void res.end();
    const { status, body } = toV1Error(appError, req);
    if (appError.reason === 'service_unreachable') log.warn({ err }, 'agent-core is not reachable');
    const retryAfter = retryAfterSeconds(appError);
    if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
    res.status(status).json(body);
  };
}
