import { waitFor } from '@cliver/testkit';
import { TelegramPace } from './telegram-pace';

describe('TelegramPace', () => {
  it('sends a burst within the budget at once, then one per 1/rate seconds', async () => {
    const pace = new TelegramPace({ botPerSecond: 5, groupPerMinute: 100 });
    const started = Date.now();
    const at: number[] = [];
    await Promise.all(Array.from({ length: 7 }, (_, i) => pace.run(String(i + 1), async () => at.push(Date.now() - started))));
    at.sort((a, b) => a - b);
    expect(at.slice(0, 5).every((t) => t < 150)).toBe(true);
    // Beyond the burst, one more each 1/5 s: a steady rate never waits for a whole window.
    expect(at[5]).toBeGreaterThanOrEqual(150);
    expect(at[5]).toBeLessThan(600);
    expect(at[6]! - at[5]!).toBeGreaterThanOrEqual(150);
    await pace.stop();
  });

  it('gives each group its own minute budget, leaving other chats alone', async () => {
    const pace = new TelegramPace({ botPerSecond: 100, groupPerMinute: 2 });
    const sent: string[] = [];
    // The held-back send is dropped by stop() at the end: its rejection is expected.
    const send = (chat: string) => void pace.run(chat, async () => sent.push(chat)).catch(() => undefined);
    for (const chat of ['-100', '-100', '-100', '42', '-200']) send(chat);
    await waitFor(() => sent.length === 4 || undefined, { what: 'the sends within budget' });
    // The third into group -100 waits for the next minute; everything else went.
    expect(sent.sort()).toEqual(['-100', '-100', '-200', '42']);
    await pace.stop();
  });
});
