import { backoffDelayMs } from './backoff';

describe('backoffDelayMs', () => {
  const policy = { baseMs: 500, maxMs: 10_000 };

  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelayMs(n, policy))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('treats 0 failures like the first, and survives huge counts', () => {
    expect(backoffDelayMs(0, policy)).toBe(500);
    expect(backoffDelayMs(10_000, policy)).toBe(10_000);
  });

  it('jitters within the given share, never past the cap', () => {
    const jittered = { ...policy, jitter: 0.2 };
    expect(backoffDelayMs(2, jittered, () => 0)).toBe(800);
    expect(backoffDelayMs(2, jittered, () => 1)).toBe(1200);
    expect(backoffDelayMs(9, jittered, () => 1)).toBe(10_000);
  });
});
