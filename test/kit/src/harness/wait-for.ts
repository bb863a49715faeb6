import { pollUntil } from '@cliver/common';

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** What is being waited for, for the timeout message. */
  what?: string;
}

/**
 * Polls until `check` returns a value other than undefined/false and returns it; throws after
 * the timeout with the last error seen. The one way tests wait: never a bare sleep.
 */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, options: WaitOptions = {}): Promise<T> {
  const { timeoutMs = 15_000, intervalMs = 100, what = 'condition' } = options;
  let lastError: unknown;
  const value = await pollUntil(check, { timeoutMs, intervalMs, onError: (err) => (lastError = err) });
  if (value !== undefined) return value;
  const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
}
