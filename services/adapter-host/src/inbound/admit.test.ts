import { createLogger, type Platform } from '@cliver/common';
import type { IncomingMessage } from '../platform';
import { admit } from './admit';

const log = createLogger({ service: 'test', level: 'silent' });
const config = (extra: Partial<Platform> = {}): Platform => ({ type: 'telegram', token: 't', allowed_users: [], require_mention: false, ...extra }) as Platform;
const message = (extra: Partial<IncomingMessage> = {}): IncomingMessage => ({
  address: { channelId: 'c', threadId: '' }, eventId: 'e', messageId: 'm', userId: '42', userName: 'Alice', text: 'hi', files: [], isGroup: false, mentionsBot: true, sentAtMs: 0, ...extra,
});

describe('admit', () => {
  it('lets anyone in when allowed_users is empty, and only the listed users otherwise', () => {
    expect(admit(message(), config(), log)).toBe(true);
    expect(admit(message(), config({ allowed_users: ['7'] }), log)).toBe(false);
    expect(admit(message({ userId: '7' }), config({ allowed_users: ['7'] }), log)).toBe(true);
  });

  it('logs a refused sender in the words gateway.md shows', () => {
    const info = jest.fn();
    admit(message(), config({ allowed_users: ['7'] }), { ...log, info } as never);
    expect(info).toHaveBeenCalledWith({ userId: '42' }, 'Telegram message ignored: user 42 not in allowed list');
  });

  it('answers every group message by default, and with require_mention only those that address the bot', () => {
    const unaddressed = message({ isGroup: true, mentionsBot: false });
    expect(admit(unaddressed, config(), log)).toBe(true);
    expect(admit(unaddressed, config({ require_mention: true }), log)).toBe(false);
    expect(admit(message({ isGroup: true, mentionsBot: true }), config({ require_mention: true }), log)).toBe(true);
    // A DM always addresses the bot.
    expect(admit(message({ isGroup: false, mentionsBot: true }), config({ require_mention: true }), log)).toBe(true);
  });
});
