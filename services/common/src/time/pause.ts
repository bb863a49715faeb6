/**
 * Waits `ms`, or less when `signal` aborts first; never rejects. For retry loops that must stop
 * at once on shutdown and then look at the signal themselves. The listener is removed either
 * way, so a long-lived signal does not collect one per wait.
 */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
