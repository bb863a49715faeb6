import type { IncomingMessage, ServerResponse } from 'node:http';
import { isBotAuthorization } from '../token';
import type { RestCall } from '../types';
import { parseBody, type ParsedBody } from './body';
import type { RestContext, RestResult } from './context';
import { DiscordHttpError, notFound, unauthorized } from './errors';
import { faultAnswer, type FaultQueue } from './faults';
import { findRoute, ROUTE_LIST, type Route } from './routes';

export interface ApiDeps {
  ctx: RestContext;
  token: string;
  faults: FaultQueue;
  maxUploadBytes: number;
  log(line: string): void;
}

interface Answer extends RestResult {
  headers?: Record<string, string>;
}

// discord.js builds `${api}/v10${route}`: the fake serves that version only.
const API_PREFIX = '/api/v10';

function redacted(headers: IncomingMessage['headers']): RestCall['headers'] {
  return { ...headers, ...(headers.authorization ? { authorization: '[redacted]' } : {}) };
}

function errorAnswer(err: DiscordHttpError): Answer {
  return { status: err.status, body: err.body };
}

async function runRoute(deps: ApiDeps, found: { route: Route; params: Record<string, string> }, call: RestCall, body: ParsedBody): Promise<Answer> {
  if (body.problem) return errorAnswer(body.problem);
  try {
    return await found.route.handler(deps.ctx, { method: call.method, path: call.path, params: found.params, query: call.query, body });
  } catch (err) {
    if (err instanceof DiscordHttpError) return errorAnswer(err);
    deps.log(`fake-discord failed on ${call.method} ${call.path}: ${(err as Error)?.stack ?? String(err)}`);
    return { status: 500, body: { message: '500: Internal Server Error', code: 0 } };
  }
}

/** Auth, then an injected fault, then the route: the order Discord's edge applies them in. */
async function answer(deps: ApiDeps, req: IncomingMessage, call: RestCall, body: ParsedBody): Promise<Answer> {
  const found = findRoute(call.method, call.path);
  if (!found) {
    const hint = call.path.startsWith('/v') ? ' (rest.api must not include the version: pass http://127.0.0.1:PORT/api)' : '';
    deps.log(`fake-discord has no route ${call.method} ${API_PREFIX}${call.path}${hint}; it serves ${ROUTE_LIST.join(', ')}`);
    return errorAnswer(notFound());
  }
  call.route = found.route.pattern;
  if (!found.route.isPublic && !isBotAuthorization(req.headers.authorization, deps.token)) return errorAnswer(unauthorized());
  const fault = deps.faults.take(call);
  if (!fault) return runRoute(deps, found, call, body);
  call.injectedFault = true;
  if ('processFirst' in fault && fault.processFirst) await runRoute(deps, found, call, body);
  return faultAnswer(fault, found.route.pattern, deps.ctx.state.now());
}

function send(res: ServerResponse, a: Answer): void {
  if (a.status === 204 || a.body === undefined) {
    res.writeHead(a.status, a.headers);
    res.end();
    return;
  }
  const text = JSON.stringify(a.body);
  res.writeHead(a.status, { ...a.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** One request under /api: recorded first (failed ones too), then answered. */
export async function serveApi(deps: ApiDeps, req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): Promise<void> {
  const path = url.pathname.startsWith(`${API_PREFIX}/`) ? url.pathname.slice(API_PREFIX.length) : url.pathname.replace(/^\/api/, '');
  const call: RestCall = {
    method: req.method ?? 'GET',
    path,
    route: path,
    query: Object.fromEntries(url.searchParams),
    headers: redacted(req.headers),
    body: undefined,
    at: deps.ctx.state.now(),
  };
  deps.ctx.records.call(call);
  const body = await parseBody(req.headers, raw, deps.maxUploadBytes);
  call.body = body.recorded;
  const a = url.pathname.startsWith(`${API_PREFIX}/`) ? await answer(deps, req, call, body) : unversioned(deps, call);
  call.status = a.status;
  send(res, a);
}

function unversioned(deps: ApiDeps, call: RestCall): Answer {
  deps.log(`fake-discord serves ${API_PREFIX} only, not ${call.method} /api${call.path}`);
  return errorAnswer(notFound());
}
