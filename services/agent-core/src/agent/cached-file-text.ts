import { stat } from 'node:fs/promises';

/**
 * Text derived from a few small files (identity, memory), rebuilt only when one of them changed.
 * A turn reads it without touching the disk; the files' stamps are checked at most every
 * `checkEveryMs`, and `invalidate()` (our own writes) makes the next read rebuild at once.
 */
export class CachedFileText {
  private value: string | undefined;
  private stamp = '';
  private checkedAt = 0;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly files: () => string[],
    private readonly build: () => Promise<string>,
    private readonly checkEveryMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<string> {
    if (this.value !== undefined && this.now() - this.checkedAt < this.checkEveryMs) return Promise.resolve(this.value);
    this.pending ??= this.refresh().finally(() => (this.pending = undefined));
    return this.pending;
  }

  invalidate(): void {
    this.value = undefined;
  }

  private async refresh(): Promise<string> {
    const stamps = await Promise.all(
      this.files().map((f) => stat(f).then((s) => `${s.mtimeMs}:${s.size}`, () => 'missing')),
    );
    const stamp = stamps.join('|');
    if (this.value === undefined || stamp !== this.stamp) {
      this.value = await this.build();
      this.stamp = stamp;
    }
    this.checkedAt = this.now();
    return this.value;
  }
}
