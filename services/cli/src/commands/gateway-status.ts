import { collectStatus } from '../status/collect-status';
import { formatStatus } from '../status/format-status';
import { readRuntimeInfo, runtimeFile } from '../supervisor/runtime-file';
import { cliContext, internalKeyOf, say, type GlobalFlags } from './cli-context';

export async function gatewayStatus(flags: GlobalFlags): Promise<number> {
  const ctx = cliContext(flags);
  const { host, port } = ctx.config.gateway;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const state = await collectStatus(ctx.config, internalKeyOf(ctx));
  const supervisor = readRuntimeInfo(runtimeFile(ctx.paths.agentDir));
  const report = formatStatus(state, url, supervisor?.pid, Date.now());
  for (const line of report.lines) say(line);
  return report.exitCode;
}
