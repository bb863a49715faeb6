import { ServiceRole } from '@cliver/common';
import type { GatewayState, ServiceState } from './collect-status';

/** `1d 2h 3m 4s`, leaving out leading zero units, as the original's `gateway status` prints. */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const parts: Array<[number, string]> = [[Math.floor(s / 86400), 'd'], [Math.floor((s % 86400) / 3600), 'h'], [Math.floor((s % 3600) / 60), 'm'], [s % 60, 's']];
  const first = parts.findIndex(([n]) => n > 0);
  return parts.slice(first === -1 ? 3 : first).map(([n, u]) => `${n}${u}`).join(' ');
}

function serviceLine(s: ServiceState, nowMs: number): string {
  if (!s.info) return `    ✗ ${s.service.padEnd(12)} down at ${s.address} (${s.error ?? 'no answer'})`;
  const i = s.info;
  const bits = [`pid ${i.pid}`, `up ${formatUptime((nowMs - i.startedAtMs) / 1000)}`];
  if (i.role === ServiceRole.SERVICE_ROLE_LEADER) bits.push(`leader, lease token ${i.leaseToken}`);
  if (i.role === ServiceRole.SERVICE_ROLE_STANDBY) bits.push('standby (no lease)');
  if (i.role === ServiceRole.SERVICE_ROLE_SINGLE && i.leaseToken) bits.push(`lease token ${i.leaseToken}`);
  return `    ${s.healthy ? '●' : '✗'} ${s.service.padEnd(12)} ${bits.join(', ')}`;
}

function adapterLine(a: { name: string; state: string; error: string; formattingFallbacks?: number }): string {
  // Formatting Telegram refused shows, so that a rendering bug is not only in the log.
  const plain = a.formattingFallbacks ? `, ${a.formattingFallbacks} sent as plain text` : '';
  if (a.state === 'connected') return `    ● ${a.name} (running${plain})`;
  if (a.state === 'connecting') return `    ◌ ${a.name} (connecting...)`;
  return `    ✗ ${a.name} (${a.error || a.state})`;
}

export interface StatusReport {
  lines: string[];
  /** 0 all healthy, 1 degraded, 3 not running. */
  exitCode: number;
}

export function formatStatus(state: GatewayState, url: string, supervisorPid: number | undefined, nowMs: number): StatusReport {
  if (state.services.every((s) => !s.info)) return { lines: ['Gateway is not running.'], exitCode: 3 };
  const core = state.services.find((s) => s.service === 'agent-core')?.info;
  const allHealthy = state.services.every((s) => s.healthy && s.info?.role !== ServiceRole.SERVICE_ROLE_STANDBY);
  const lines = [
    `  Status: ${allHealthy ? 'running' : 'degraded'} (PID ${supervisorPid ?? core?.pid ?? '?'})`,
    `  URL: ${url}`,
    `  Uptime: ${state.core ? formatUptime((nowMs - state.core.startedAtMs) / 1000) : 'unknown'}`,
    `  Tasks run: ${state.core?.tasksRun ?? 'unknown'}`,
    '  Services:',
    ...state.services.map((s) => serviceLine(s, nowMs)),
    '  Adapters:',
    ...(state.adapters.length ? state.adapters.map(adapterLine) : ['    (none configured)']),
  ];
  return { lines, exitCode: allHealthy ? 0 : 1 };
}
