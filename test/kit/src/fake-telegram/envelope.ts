import type { ServerResponse } from 'node:http';

export interface ResponseParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

export type Envelope =
  | { ok: true; result: unknown }
  | { ok: false; error_code: number; description: string; parameters?: ResponseParameters };

/** A refusal in Telegram's words; method handlers throw it and the server turns it into an envelope. */
export class BotApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
    this.name = 'BotApiError';
  }

  toEnvelope(): Envelope {
    const env: Envelope = { ok: false, error_code: this.errorCode, description: this.description };
    if (this.parameters) env.parameters = this.parameters;
    return env;
  }
}

export function badRequest(what: string): BotApiError {
  return new BotApiError(400, `Bad Request: ${what}`);
}

export const UNAUTHORIZED = (): BotApiError => new BotApiError(401, 'Unauthorized');
export const NOT_FOUND = (): BotApiError => new BotApiError(404, 'Not Found');

const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden: bot was blocked by the user',
  404: 'Not Found',
  409: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** The error an injected failure answers with, worded as Telegram words it. */
export function injectedError(spec: { status: number; retryAfter?: number; description?: string; migrateToChatId?: number }): BotApiError {
  const code = spec.status;
  const retryAfter = spec.retryAfter ?? (code === 429 ? 1 : undefined);
  const description =
    spec.description ?? (code === 429 ? `Too Many Requests: retry after ${retryAfter}` : (DEFAULT_DESCRIPTIONS[code] ?? `Error ${code}`));
  const parameters: ResponseParameters = {};
  if (retryAfter !== undefined) parameters.retry_after = retryAfter;
  if (spec.migrateToChatId !== undefined) parameters.migrate_to_chat_id = spec.migrateToChatId;
  return new BotApiError(code, description, Object.keys(parameters).length > 0 ? parameters : undefined);
}

/** grammY parses the body whatever the status, so every answer is an envelope; the status mirrors error_code. */
export function writeEnvelope(res: ServerResponse, env: Envelope): number {
  const status = env.ok ? 200 : env.error_code;
  const data = JSON.stringify(env);
  if (res.destroyed || res.headersSent) return status;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
  res.end(data);
  return status;
}

/** A body that is not a Bot API envelope (a proxy's HTML error page): grammY turns it into an HttpError. */
export function writeRaw(res: ServerResponse, status: number, body: string): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
