import { BotApiError } from '../envelope';
import { NO_ANSWER, type MethodContext } from './context';

const conflict = (): BotApiError =>
  new BotApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');

/**
 * The long poll. Updates below `offset` are confirmed first; then the call answers at once if
 * anything is there, else it is held until an update is queued or `timeout` seconds pass.
 */
export async function getUpdates(ctx: MethodContext): Promise<unknown> {
  const { params, state, polls } = ctx;
  if (state.webhookUrl !== '') {
    throw new BotApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
  }
  const offset = params.int('offset') ?? 0;
  const limit = Math.min(100, Math.max(1, params.int('limit') || 100));
  const timeoutMs = Math.max(0, params.int('timeout') ?? 0) * 1000;
  const allowed = params.json('allowed_updates');
  if (Array.isArray(allowed)) state.updates.setAllowed(allowed.map(String));
  polls.supersede();
  state.updates.confirm(offset);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = state.updates.take(offset, limit);
    const left = deadline - Date.now();
    if (ready.length > 0) ctx.records.servedUpdates(ready, ctx.now());
    if (ready.length > 0 || left <= 0) return ready;
    const why = await polls.wait(left, ctx.closed);
    if (why === 'superseded') throw conflict();
    if (why === 'closed') return NO_ANSWER;
    if (why === 'timeout') return [];
  }
}

export function getMe(ctx: MethodContext): unknown {
  return ctx.bot;
}

export function deleteWebhook(ctx: MethodContext): unknown {
  ctx.state.webhookUrl = '';
  if (ctx.params.bool('drop_pending_updates')) ctx.state.updates.dropPending();
  return true;
}

/** Only so a test can leave a webhook set and watch polling fail with 409, as it does live. */
export function setWebhook(ctx: MethodContext): unknown {
  ctx.state.webhookUrl = ctx.params.string('url') ?? '';
  if (ctx.params.bool('drop_pending_updates')) ctx.state.updates.dropPending();
  return true;
}

export function getWebhookInfo(ctx: MethodContext): unknown {
  return { url: ctx.state.webhookUrl, has_custom_certificate: false, pending_update_count: ctx.state.updates.pendingCount };
}
