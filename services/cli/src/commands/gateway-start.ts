import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLogger, EXIT } from '@cliver/common';
import { readRuntimeInfo, runtimeFile } from '../supervisor/runtime-file';
import { Supervisor } from '../supervisor/supervisor';
import { waitFor } from '../supervisor/wait-for';
import { childArgs, cliContext, complain, internalKeyOf, logFileOf, say, type GlobalFlags } from './cli-context';

/** Foreground: run the supervisor in this process until it is stopped. */
export async function gatewayStart(flags: GlobalFlags): Promise<number> {
  const ctx = cliContext(flags, true);
  // The gateway a person started is its supervisor: name that process, not one of its services.
  // (Without a runtime file, e.g. services started alone, agent-core's lease names its holder.)
  const running = readRuntimeInfo(runtimeFile(ctx.paths.agentDir));
  if (running) {
    complain(
      `Another gateway is already running: supervisor pid ${running.pid} on ${running.host} since ${new Date(running.startedAtMs).toISOString()}, at ${running.url}. ` +
        'Stop it with `cliver gateway stop`, or see `cliver gateway status`.',
    );
    return EXIT.LEASE_HELD;
  }
  const log = createLogger({ service: 'supervisor', level: (flags.logLevel ?? 'info') as never });
  // Made here, before the services start, so that they all read one key (they would agree anyway:
  // the file is created atomically by whoever comes first).
  internalKeyOf(ctx, true);
  const supervisor = new Supervisor({
    config: ctx.config,
    paths: ctx.paths,
    log,
    childArgs: childArgs(ctx),
    env: process.env,
    logFile: process.env.CLIVER_LOG_FILE,
    say,
  });
  const early = await supervisor.start();
  if (early !== undefined) return early;
  // "Running" means /health says ok: every service up and every lease held.
  const ok = async () => (await fetch(`${supervisor.url}/health`).catch(() => undefined))?.status === 200;
  const healthy = (await waitFor(async () => supervisor.isStopping || (await ok()), 30_000)) && !supervisor.isStopping;
  if (supervisor.isStopping) return supervisor.done;
  const where = `${supervisor.url} (agent ${ctx.paths.agent}, home ${ctx.paths.confDir})`;
  if (healthy) complain(`CLIver Gateway is running at ${where}`);
  else complain(`CLIver Gateway started at ${where}, but /health is not ok yet; see \`cliver gateway status\``);
  return supervisor.done;
}

/** Background: start a foreground supervisor detached, with its output in the log file. */
export async function gatewayStartDetached(flags: GlobalFlags): Promise<number> {
  const ctx = cliContext(flags, true);
  const logFile = logFileOf(ctx);
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a', 0o600);
  const args = [process.argv[1]!, 'gateway', 'start', ...childArgs(ctx)];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, CLIVER_LOG_FILE: logFile },
  });
  closeSync(fd);
  let exitCode: number | null = null;
  child.once('exit', (code) => (exitCode = code ?? EXIT.FAILED));
  const file = runtimeFile(ctx.paths.agentDir);
  const started = await waitFor(() => exitCode !== null || readRuntimeInfo(file)?.pid === child.pid, 30_000);
  if (!started || exitCode !== null) {
    complain(`The gateway did not start (exit code ${exitCode ?? 'none'}). Last lines of ${logFile}:`);
    complain(tail(logFile, 8));
    if (exitCode === null) child.kill('SIGTERM');
    return exitCode ?? EXIT.FAILED;
  }
  child.unref();
  const url = readRuntimeInfo(file)?.url ?? '';
  say(`CLIver Gateway started in the background (PID ${child.pid}) at ${url}`);
  say(`Logs: ${logFile}`);
  return EXIT.OK;
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
