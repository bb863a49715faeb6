import type { RestCall, RouteMatch } from '../types';
import { createDm, getChannel, startThread, startThreadFromMessage, typing } from './channels';
import type { RouteHandler } from './context';
import { gateway, gatewayBot, getUser, me } from './identity';
import { createMessage, deleteMessage, editMessage, getMessage, listMessages, react } from './messages';

export interface Route {
  method: string;
  /** Below /api/v10; `:name` matches one path segment and is passed as params.name. */
  pattern: string;
  handler: RouteHandler;
  /** GET /gateway is the only route Discord serves without a token. */
  isPublic?: boolean;
}

// Literal segments before parameters: /users/@me must win over /users/:user.
const ROUTES: Route[] = [
  { method: 'GET', pattern: '/gateway', handler: gateway, isPublic: true },
  { method: 'GET', pattern: '/gateway/bot', handler: gatewayBot },
  { method: 'GET', pattern: '/users/@me', handler: me },
  { method: 'POST', pattern: '/users/@me/channels', handler: createDm },
  { method: 'GET', pattern: '/users/:user', handler: getUser },
  { method: 'GET', pattern: '/channels/:channel', handler: getChannel },
  { method: 'POST', pattern: '/channels/:channel/typing', handler: typing },
  { method: 'GET', pattern: '/channels/:channel/messages', handler: listMessages },
  { method: 'POST', pattern: '/channels/:channel/messages', handler: createMessage },
  { method: 'GET', pattern: '/channels/:channel/messages/:message', handler: getMessage },
  { method: 'PATCH', pattern: '/channels/:channel/messages/:message', handler: editMessage },
  { method: 'DELETE', pattern: '/channels/:channel/messages/:message', handler: deleteMessage },
  { method: 'PUT', pattern: '/channels/:channel/messages/:message/reactions/:emoji/@me', handler: react },
  { method: 'DELETE', pattern: '/channels/:channel/messages/:message/reactions/:emoji/@me', handler: react },
  { method: 'POST', pattern: '/channels/:channel/messages/:message/threads', handler: startThreadFromMessage },
  { method: 'POST', pattern: '/channels/:channel/threads', handler: startThread },
];

export const ROUTE_LIST = ROUTES.map((r) => `${r.method} ${r.pattern}`);

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/** The params when `path` fits `pattern`, else undefined. */
function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = segments(pattern);
  const got = segments(path);
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decode(got[i]);
    else if (want[i] !== got[i]) return undefined;
  }
  return params;
}

export function findRoute(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const params = matchPattern(route.pattern, path);
    if (params) return { route, params };
  }
  return undefined;
}

/** RouteMatch as types.ts defines it: "POST", "POST /channels/:id/messages", "/channels/:id/typing", or a predicate. */
export function routeMatches(match: RouteMatch | undefined, call: RestCall): boolean {
  if (match === undefined) return true;
  if (typeof match === 'function') return match(call);
  const [first, ...rest] = match.trim().split(/\s+/);
  if (rest.length === 0 && !first.startsWith('/')) return first.toUpperCase() === call.method;
  const method = rest.length === 0 ? undefined : first.toUpperCase();
  const pattern = rest.length === 0 ? first : rest.join(' ');
  return (method === undefined || method === call.method) && matchPattern(pattern, call.path) !== undefined;
}
