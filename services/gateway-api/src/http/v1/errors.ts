import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, retryAfterSeconds, toOpenAiError, type OpenAiErrorBody } from '@cliver/common';
import { writeJson } from './write-json';

export function toV1Error(err: AppError, req: IncomingMessage): { status: number; body: OpenAiErrorBody } {
  // /v1 talks to one service only, so "the service" can be named for the operator.
  const named =
    err.reason === 'service_unreachable'
      ? new AppError('unavailable', 'agent-core is not reachable: the gateway is starting or degraded (see /health).', { reason: 'service_unreachable' })
      : err;
  const requestId = req.headers['x-request-id'];
  return toOpenAiError(named, typeof requestId === 'string' ? requestId : undefined);
}

/** Answers with OpenAI's error object and the matching status; Retry-After on every 429. */
export function writeV1Error(req: IncomingMessage, res: ServerResponse, err: AppError): void {
  if (res.headersSent) return void res.end();
  const { status, body } = toV1Error(err, req);
  const retryAfter = retryAfterSeconds(err);
  writeJson(res, status, body, retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) });
}
