import Bottleneck from 'bottleneck';

export interface TelegramBudget {
  /** Messages per second for the whole bot (Telegram: "about 30"). */
  botPerSecond: number;
  /** Messages per minute into one group (Telegram: 20). */
  groupPerMinute: number;
}

export const TELEGRAM_BUDGET: TelegramBudget = { botPerSecond: 30, groupPerMinute: 20 };

/**
 * A token bucket: `count` sends at once, then one more each `perMs / count`. Not a window that
 * refills all at once: a steady rate just under the budget must never wait for a window to end.
 */
function tokenBucket(count: number, perMs: number): Bottleneck.ConstructorOptions {
  // Bottleneck adds tokens on its heartbeat only: a fast rate adds several per tick.
  const everyMs = Math.max(TICK_MS, Math.floor(perMs / count));
  const amount = Math.max(1, Math.floor((count * everyMs) / perMs));
  return { reservoir: count, reservoirIncreaseMaximum: count, reservoirIncreaseAmount: amount, reservoirIncreaseInterval: everyMs - TICK_SLACK_MS, heartbeatInterval: TICK_MS } as Bottleneck.ConstructorOptions;
}

const TICK_MS = 100;
// A tick that fires a little early must still add its tokens, or the rate drops by a tick's worth.
const TICK_SLACK_MS = 5;

/**
 * Keeps sends inside the limits Telegram documents for bots (core.telegram.org/bots/faq), so a
 * burst of replies waits a moment here instead of drawing 429s and retry_after penalties. A send
 * within budget goes at once: nothing is delayed that Telegram would accept. A group (negative
 * chat id) has its own minute budget on top of the bot's.
 */
export class TelegramPace {
  private readonly bot: Bottleneck;
  private readonly groups: Bottleneck.Group;

  constructor(budget: TelegramBudget = TELEGRAM_BUDGET) {
    this.bot = new Bottleneck(tokenBucket(budget.botPerSecond, 1000));
    this.groups = new Bottleneck.Group(tokenBucket(budget.groupPerMinute, 60_000));
  }

  run<T>(chatId: string, send: () => Promise<T>): Promise<T> {
    const viaBot = () => this.bot.schedule(send);
    return chatId.startsWith('-') ? this.groups.key(chatId).schedule(viaBot) : viaBot();
  }

  async stop(): Promise<void> {
    await this.bot.stop({ dropWaitingJobs: true }).catch(() => undefined);
    for (const limiter of this.groups.limiters()) await limiter.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }
}
