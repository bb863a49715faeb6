import { isIP } from 'node:net';
import { AppError } from '@cliver/common';

export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** The rule that keeps an unprotected /v1 off the network: no key, no public bind. */
export function assertSafeBind(host: string, apiKey: string | undefined): void {
  if (apiKey || isLoopback(host)) return;
  throw new AppError(
    'failed_precondition',
    `gateway.host is "${host}", which is reachable from other machines, but gateway.api_key is not set. ` +
      'Set gateway.api_key in config.yaml, or bind 127.0.0.1 and put Caddy in front.',
    { reason: 'unsafe_bind', field: 'gateway.api_key' },
  );
}
