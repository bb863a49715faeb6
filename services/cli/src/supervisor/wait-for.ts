import { pollUntil } from '@cliver/common';

/** Polls `check` every `intervalMs` until it is true (→ true) or `timeoutMs` passed (→ false). */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  return (await pollUntil(check, { timeoutMs, intervalMs })) === true;
}
