import type { Logger, Platform } from '@cliver/common';
import type { IncomingMessage } from '../platform';

const TITLE: Record<string, string> = { telegram: 'Telegram', discord: 'Discord', slack: 'Slack', feishu: 'Feishu' };

/**
 * Whether the gateway answers this message: the sender is allowed (`allowed_users` empty or
 * absent means anyone), and in a group with `require_mention` the bot was addressed. A refused
 * message gets no reply; it is logged in gateway.md's words so an operator can find it.
 */
export function admit(message: IncomingMessage, config: Platform, log: Logger): boolean {
  const allowed = config.allowed_users;
  if (allowed.length && !allowed.includes(message.userId)) {
    log.info({ userId: message.userId }, `${TITLE[config.type] ?? config.type} message ignored: user ${message.userId} not in allowed list`);
    return false;
  }
  if (config.require_mention && message.isGroup && !message.mentionsBot) {
    log.debug({ channelId: message.address.channelId }, 'group message without a mention ignored (require_mention)');
    return false;
  }
  return true;
}
