import Bottleneck from 'bottleneck';

export interface TelegramBudget {
  /** Messages per second for the whole bot (Telegram: "about 30"). */
  botPerSecond: number;
  /** Messages per minute into one group (Telegram: 20). */
  groupPerMinute: number;
}

export const TELEGRAM_BUDGET: TelegramBudget = { botPerSecond: 30, groupPerMinute: 20 };

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
    this.bot = new Bottleneck({ reservoir: budget.botPerSecond, reservoirRefreshAmount: budget.botPerSecond, reservoirRefreshInterval: 1000 });
    this.groups = new Bottleneck.Group({ reservoir: budget.groupPerMinute, reservoirRefreshAmount: budget.groupPerMinute, reservoirRefreshInterval: 60_000 });
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
