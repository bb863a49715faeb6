/**
 * The scheduler's heartbeat. Ticks only while this replica leads; the time of the last tick is
 * what status and health show, so a stalled ticker is visible.
 */
export class Clock {
  private timer: NodeJS.Timeout | undefined;
  private lastTickAtMs = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly onTick: (nowMs: number) => void | Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  get lastTick(): number {
    return this.lastTickAtMs;
  }

  start(): void {
    this.stop();
    const tick = async () => {
      const nowMs = this.now();
      this.lastTickAtMs = nowMs;
      await this.onTick(nowMs);
    };
    void tick();
    this.timer = setInterval(() => void tick(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
