import { GrammyError, HttpError } from 'grammy';
import { DeliveryError } from '../../platform';

/**
 * What a network failure says, without the bot token: grammY's and node-fetch's messages quote
 * the request URL, `…/bot<token>/getMe`, and this text reaches logs and /health.
 */
export function httpErrorText(err: HttpError): string {
  const text = (err.error as Error | undefined)?.message ?? err.message;
  return text.replace(/\/bot[^/\s]+/g, '/bot<token>');
}

/** Telegram refused our entities (or our MarkdownV2): the text itself may still be sendable. */
export function isEntityError(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 && /can't parse entities|entity/i.test(err.description);
}

/** A failed Bot API call in the delivery loop's terms. */
export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof GrammyError) {
    const retryAfter = err.parameters?.retry_after;
    if (err.error_code === 429) return new DeliveryError(`Telegram rate limit: ${err.description}`, false, (retryAfter ?? 1) * 1000, { cause: err });
    if (err.error_code >= 500) return new DeliveryError(`Telegram failed: ${err.description}`, false, undefined, { cause: err });
    // 400 (bad request, chat not found), 403 (blocked by the user, kicked): the same send fails again.
    return new DeliveryError(`Telegram refused the message: ${err.description}`, true, undefined, { cause: err });
  }
  if (err instanceof HttpError) return new DeliveryError(`cannot reach Telegram: ${httpErrorText(err)}`, false);
  return new DeliveryError(`Telegram send failed: ${(err as Error)?.message ?? String(err)}`, false, undefined, { cause: err });
}
