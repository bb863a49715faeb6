import { EXIT } from '@cliver/common';
import { isAlive, readRuntimeInfo, runtimeFile } from '../supervisor/runtime-file';
import { waitFor } from '../supervisor/wait-for';
import { cliContext, complain, say, type GlobalFlags } from './cli-context';

/** Asks the running supervisor to stop (it stops its services in order) and waits for it. */
export async function gatewayStop(flags: GlobalFlags): Promise<number> {
  const ctx = cliContext(flags);
  const info = readRuntimeInfo(runtimeFile(ctx.paths.agentDir));
  if (!info) {
    say('No gateway running.');
    return EXIT.OK;
  }
  process.kill(info.pid, 'SIGTERM');
  if (await waitFor(() => !isAlive(info.pid), 30_000)) {
    say('Gateway stopped.');
    return EXIT.OK;
  }
  complain(`The gateway (PID ${info.pid}) did not stop within 30 s.`);
  return EXIT.FAILED;
}
