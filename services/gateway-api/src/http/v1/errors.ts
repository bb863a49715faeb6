import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, retryAfterSeconds, toOpenAiError, type OpenAiErrorBody } from '@cliver/common';
import { writeJson } from './write-json';

// Statuses that only the HTTP edge has a reason for, and so common's mapper does not know.
// TODO(common/errors/openai.ts owner): move these next to `payload_too_large` → 413 there, so
// that one table holds every status.
const EDGE_STATUS: Record<string, number | undefined> = {
  request_timeout: 408,
  unsupported_media_type: 415,
};

export function toV1Error(err: AppError, req: IncomingMessage): { status: number; body: OpenAiErrorBody } {
  // /v1 talks to one service only, so "the service" can be named for the operator.
  const named =
    err.reason === 'service_unreachable'
      ? new AppError('unavailable', 'agent-core is not reachable: the gateway is starting or degraded (see /health).', { reason: 'service_unreachable' })
      : err;
  const requestId = req.headers['x-request-id'];
  const mapped = toOpenAiError(named, typeof requestId === 'string' ? requestId : undefined);
  const status = (named.reason && EDGE_STATUS[named.reason]) || mapped.status;
  return { status, body: mapped.body };
}

/** Answers with OpenAI's error object and the matching status; Retry-After on every 429. */
export function writeV1Error(req: IncomingMessage, res: ServerResponse, err: AppError): void {
  if (res.headersSent) return void res.end();
  const { status, body } = toV1Error(err, req);
  const headers: Record<string, string> = {};
  const retryAfter = retryAfterSeconds(err);
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  // The rest of a body that timed out never came: this connection cannot carry another request.
  if (err.reason === 'request_timeout') headers.connection = 'close';
  writeJson(res, status, body, headers);
}
