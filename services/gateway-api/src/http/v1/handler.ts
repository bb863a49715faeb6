import type { IncomingMessage, ServerResponse } from 'node:http';
import proxyaddr from 'proxy-addr';
import { AppError, type Logger } from '@cliver/common';
import { ApiKeyGuard } from './api-key';
import { writeV1Error } from './errors';
import type { KeepAliveTiming } from '../../openai/completion-stream';
import { readJsonBody, type BodyLimits } from './json-body';
import { chatCompletions, getModel, listModels, type AgentLink } from './routes';

export interface V1Limits {
  body: BodyLimits;
  keepAlive: KeepAliveTiming;
}

const V1_LIMITS: V1Limits = {
  // Large enough for images sent inline as data URLs; larger bodies get 413. A body must keep
  // coming: it cannot hold a socket for ever by stalling or trickling (408).
  body: { maxBytes: 20 * 1024 * 1024, idleTimeoutMs: 15_000, totalTimeoutMs: 120_000 },
  // Below the 30 s or so after which clients and proxies give up on a silent response.
  keepAlive: { openAfterMs: 2_000, everyMs: 15_000 },
};
const AUTH_FAILURES = { windowMs: 60_000, limit: 20 };
const MODEL_PATH = '/v1/models/';

export interface V1Deps {
  log: Logger;
  core: AgentLink;
  apiKey: string | undefined;
  trustedProxies: string[];
  /** Tests shorten the waits; the service runs with V1_LIMITS. */
  limits?: V1Limits;
}

/** True for the paths this handler answers: /v1 and everything under it. */
export function isV1Path(url: string | undefined): boolean {
  return !!url && /^\/v1(?:[/?]|$)/.test(url);
}

/**
 * The OpenAI-compatible API, on plain node:http. It is the hot path of the gateway, so it skips
 * Express (whose routing and body parsing cost more CPU than the rest of a request here): the
 * key is checked before the body is read, the path picks one of three routes, and every failure
 * becomes OpenAI's error object.
 */
export function v1Handler(deps: V1Deps): (req: IncomingMessage, res: ServerResponse) => void {
  const guard = new ApiKeyGuard(deps.apiKey, AUTH_FAILURES);
  const trust = proxyaddr.compile(deps.trustedProxies);
  const limits = deps.limits ?? V1_LIMITS;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await guard.check(req.headers.authorization, proxyaddr(req, trust));
    const path = (req.url ?? '/').split('?', 1)[0]!.replace(/(.)\/$/, '$1');
    if (path === '/v1/chat/completions' && req.method === 'POST') {
      return chatCompletions(deps.core, req, res, await readJsonBody(req, limits.body), limits.keepAlive);
    }
    if (path === '/v1/models' && req.method === 'GET') return listModels(deps.core, res);
    if (path.startsWith(MODEL_PATH) && req.method === 'GET') return getModel(deps.core, res, modelIdOf(path));
    throw new AppError('not_found', `Invalid URL (${req.method} ${path})`, { reason: 'unknown_url' });
  }

  return (req, res) => {
    route(req, res).catch((err: unknown) => {
      const appError = AppError.from(err);
      if (appError.code === 'internal') deps.log.error({ err, path: req.url }, '/v1 request failed');
      if (appError.reason === 'service_unreachable') deps.log.warn({ err }, 'agent-core is not reachable');
      writeV1Error(req, res, appError);
    });
  };
}

function modelIdOf(path: string): string {
  try {
    return decodeURIComponent(path.slice(MODEL_PATH.length));
  } catch {
    throw new AppError('invalid_argument', 'The model id in the path is not validly percent-encoded.', { field: 'model' });
  }
}
