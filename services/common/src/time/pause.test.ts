import { pause } from './pause';

describe('pause', () => {
  it('resolves after the time when nothing aborts', async () => {
    const started = Date.now();
    await pause(30, new AbortController().signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('resolves as soon as the signal aborts, and at once for an aborted signal', async () => {
    const c = new AbortController();
    const waiting = pause(60_000, c.signal);
    c.abort();
    await waiting;
    await pause(60_000, c.signal);
  });

  it('leaves no listener behind on a long-lived signal', async () => {
    const c = new AbortController();
    const added = jest.spyOn(c.signal, 'addEventListener');
    const removed = jest.spyOn(c.signal, 'removeEventListener');
    for (let i = 0; i < 20; i++) await pause(1, c.signal);
    expect(added).toHaveBeenCalledTimes(20);
    expect(removed).toHaveBeenCalledTimes(20);
  });
});
