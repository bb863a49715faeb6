// Who the bot is and where its gateway is: what discord.js asks before it connects.
import { botUser } from '../fixtures';
import type { RestContext, RestRequest, RestResult } from './context';
import { unknownUser } from './errors';

export function me(): RestResult {
  return { status: 200, body: { ...botUser(), verified: true, mfa_enabled: false, flags: 0 } };
}

export function getUser(ctx: RestContext, req: RestRequest): RestResult {
  const user = ctx.state.knownUser(req.params.user ?? '');
  if (!user) throw unknownUser();
  return { status: 200, body: user };
}

/** GET /gateway (no auth). */
export function gateway(ctx: RestContext): RestResult {
  return { status: 200, body: { url: ctx.gatewayUrl() } };
}

/**
 * GET /gateway/bot. `remaining` must cover the shard count or discord.js refuses to start; it caches
 * the answer for `reset_after || 5000` ms and its shard keeps the URL for its whole life, which is
 * why restart() comes back on the same port (fake-platforms.md §2.1).
 */
export function gatewayBot(ctx: RestContext): RestResult {
  return {
    status: 200,
    body: { url: ctx.gatewayUrl(), shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } },
  };
}
