import { pollUntil } from './poll-until';

describe('pollUntil', () => {
  it('returns the first value the check gives', async () => {
    let n = 0;
    await expect(pollUntil(() => (++n >= 3 ? `after ${n}` : undefined), { timeoutMs: 5000, intervalMs: 1 })).resolves.toBe('after 3');
  });

  it('gives undefined after the timeout, and reports errors without stopping', async () => {
    const errors: unknown[] = [];
    const started = Date.now();
    const result = await pollUntil(
      () => {
        throw new Error('not yet');
      },
      { timeoutMs: 50, intervalMs: 5, onError: (e) => errors.push(e) },
    );
    expect(result).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(errors.length).toBeGreaterThan(1);
  });

  it('treats false as not yet', async () => {
    let n = 0;
    await expect(pollUntil(() => ++n > 2, { timeoutMs: 5000, intervalMs: 1 })).resolves.toBe(true);
  });
});
