import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `check` every `intervalMs` until it is true (→ true) or `timeoutMs` passed (→ false). */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}
