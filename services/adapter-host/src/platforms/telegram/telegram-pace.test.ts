import { waitFor } from '@cliver/testkit';
import { TelegramPace } from './telegram-pace';

describe('TelegramPace', () => {
  it('sends at once within the budget and holds back only what goes beyond it', async () => {
    const pace = new TelegramPace({ botPerSecond: 5, groupPerMinute: 100 });
    const started = Date.now();
    const at: number[] = [];
    await Promise.all(Array.from({ length: 7 }, (_, i) => pace.run(String(i + 1), async () => at.push(Date.now() - started))));
    at.sort((a, b) => a - b);
    expect(at.slice(0, 5).every((t) => t < 200)).toBe(true);
    expect(at[5]).toBeGreaterThanOrEqual(800);
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
