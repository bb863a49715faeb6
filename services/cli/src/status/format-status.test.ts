import { ServiceRole, type AdapterStatus } from '@cliver/common';
import type { GatewayState } from './collect-status';
import { formatStatus } from './format-status';

const adapter = (a: Partial<AdapterStatus>): AdapterStatus => ({ name: 'tg', type: 'telegram', state: 'connected', error: '', lastEventAtMs: 0, formattingFallbacks: 0, ...a });

function adapterLines(adapters: AdapterStatus[]): string[] {
  const info = { service: 'agent-core', host: 'h', pid: 9, startedAtMs: 0, version: '0', role: ServiceRole.SERVICE_ROLE_SINGLE, leaseToken: 1, agent: 'CLIver' };
  const state = { services: [{ service: 'agent-core', address: 'a', info, healthy: true }], adapters } as unknown as GatewayState;
  const { lines } = formatStatus(state, 'http://x', 1, 1000);
  return lines.slice(lines.indexOf('  Adapters:') + 1);
}

describe('gateway status adapter lines', () => {
  it('shows each state in words, with the error of one that failed', () => {
    expect(adapterLines([adapter({}), adapter({ name: 'dc', state: 'connecting' }), adapter({ name: 'sl', state: 'error', error: 'token rejected' })])).toEqual([
      '    ● tg (running)',
      '    ◌ dc (connecting...)',
      '    ✗ sl (token rejected)',
    ]);
  });

  it('counts replies whose formatting the platform refused, so a rendering bug shows', () => {
    expect(adapterLines([adapter({ formattingFallbacks: 3 })])).toEqual(['    ● tg (running, 3 sent as plain text)']);
  });
});
