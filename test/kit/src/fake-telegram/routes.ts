// One HTTP request to the fake: `${apiRoot}/bot<token>/<method>` or `${apiRoot}/file/bot<token>/<path>`.
// Order: record, token, method (as Telegram checks them), then the test's faults and holds, then the work.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BotApiError, injectedError, NOT_FOUND, UNAUTHORIZED, writeEnvelope, writeRaw, type Envelope } from './envelope';
import type { Faults } from './faults';
import type { Holds } from './holds';
import type { HeldPolls } from './long-poll';
import { METHODS, NO_ANSWER } from './methods';
import { parseParams, readBody, type Params } from './params';
import type { Records } from './records';
import type { TelegramState } from './state';
import type { BotInfo, Failure, RecordedCall } from './types';

export interface RouteDeps {
  token: string;
  state: TelegramState;
  records: Records;
  faults: Faults;
  holds: Holds;
  polls: HeldPolls;
  bot: BotInfo;
  now: () => number;
  isStalled: () => boolean;
}

const BOT_PATH = /^\/bot([^/]+)\/([^/]*)$/;
const FILE_PATH = /^\/file\/bot([^/]+)\/(.+)$/;

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function answer(call: RecordedCall, res: ServerResponse, env: Envelope): void {
  call.status = writeEnvelope(res, env);
  call.outcome = env.ok ? 'ok' : 'error';
  if (!env.ok) call.description = env.description;
}

function drop(call: RecordedCall, res: ServerResponse): void {
  call.outcome = 'dropped';
  res.socket?.destroy();
}

/** Answers an injected status failure; true when the call is finished by it. */
function failWith(call: RecordedCall, res: ServerResponse, failure: Failure | undefined): boolean {
  if (!failure) return false;
  if ('drop' in failure) {
    if (failure.drop === 'after') return false;
    drop(call, res);
    return true;
  }
  if (failure.rawBody !== undefined) {
    writeRaw(res, failure.status, failure.rawBody);
    Object.assign(call, { status: failure.status, outcome: 'error', description: failure.rawBody });
    return true;
  }
  answer(call, res, injectedError(failure).toEnvelope());
  return true;
}

function contentTypeOf(path: string, mime: string | undefined): string {
  if (mime) return mime;
  if (/\.jpe?g$/i.test(path)) return 'image/jpeg';
  return /\.oga$/i.test(path) ? 'audio/ogg' : 'application/octet-stream';
}

function download(deps: RouteDeps, res: ServerResponse, token: string, path: string): void {
  const call = deps.records.call({ method: 'file', params: { file_path: path }, files: [], at: deps.now(), outcome: 'pending' });
  if (!sameToken(token, deps.token)) return answer(call, res, UNAUTHORIZED().toEnvelope());
  if (failWith(call, res, deps.faults.take('file'))) return;
  const file = deps.state.fileAt(path);
  if (!file) return answer(call, res, NOT_FOUND().toEnvelope());
  res.writeHead(200, { 'content-type': contentTypeOf(path, file.mime_type), 'content-length': file.bytes.length });
  res.end(file.bytes);
  Object.assign(call, { status: 200, outcome: 'ok' });
}

async function readParams(req: IncomingMessage, query: URLSearchParams): Promise<Params | BotApiError> {
  try {
    return await parseParams(req.headers, query, await readBody(req));
  } catch (err) {
    if (err instanceof BotApiError) return err;
    throw err;
  }
}

async function callMethod(deps: RouteDeps, req: IncomingMessage, res: ServerResponse, closed: AbortSignal): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake-telegram');
  const file = FILE_PATH.exec(url.pathname);
  if (file) return download(deps, res, decodeURIComponent(file[1]), decodeURIComponent(file[2]));
  const path = BOT_PATH.exec(url.pathname);
  const method = path ? decodeURIComponent(path[2]) : url.pathname;
  const params = await readParams(req, url.searchParams);
  const fields = params instanceof BotApiError ? {} : params.fields;
  const files = params instanceof BotApiError ? [] : params.files.map((f) => ({ field: f.field, filename: f.filename, contentType: f.contentType, size: f.bytes.length }));
  const call = deps.records.call({ method, params: fields, files, at: deps.now(), outcome: 'pending' });
  if (!path) return answer(call, res, NOT_FOUND().toEnvelope());
  if (!sameToken(decodeURIComponent(path[1]), deps.token)) return answer(call, res, UNAUTHORIZED().toEnvelope());
  const handler = METHODS.get(method.toLowerCase());
  if (!handler) return answer(call, res, NOT_FOUND().toEnvelope());
  if (params instanceof BotApiError) return answer(call, res, params.toEnvelope());
  const failure = deps.faults.take(method);
  if (failWith(call, res, failure)) return;
  if (deps.holds.shouldHold(method)) {
    call.outcome = 'held';
    const released = await deps.holds.wait(call, closed);
    call.outcome = released ? 'pending' : 'dropped';
    if (!released) return;
  }
  // A stalled poll: the request was taken in, and nothing ever comes back on this socket.
  if (method.toLowerCase() === 'getupdates' && deps.isStalled()) {
    call.outcome = 'stalled';
    return;
  }
  const dropAfter = failure !== undefined && 'drop' in failure;
  try {
    const result = await handler({ method, params, state: deps.state, records: deps.records, polls: deps.polls, bot: deps.bot, now: deps.now, closed });
    if (result === NO_ANSWER) call.outcome = 'dropped';
    else if (dropAfter) drop(call, res);
    else answer(call, res, { ok: true, result });
  } catch (err) {
    if (!(err instanceof BotApiError)) throw err;
    if (dropAfter) drop(call, res);
    else answer(call, res, err.toEnvelope());
  }
}

/** Serves one request; a bug in the fake answers 500 with its message rather than hanging the client. */
export function handleRequest(deps: RouteDeps, req: IncomingMessage, res: ServerResponse): void {
  const gone = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  callMethod(deps, req, res, gone.signal).catch((err: unknown) => {
    const description = `Internal Server Error: fake-telegram failed: ${(err as Error)?.message ?? String(err)}`;
    writeEnvelope(res, { ok: false, error_code: 500, description });
  });
}
