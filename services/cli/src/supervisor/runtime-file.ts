import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/**
 * Where a running supervisor says who it is, so `gateway stop` can find it. This is discovery,
 * not a lock (single-instance is the agent-core lease): a stale file is recognised by its pid.
 */
export const RuntimeInfo = z.object({
  pid: z.number().int(),
  host: z.string(),
  startedAtMs: z.number(),
  url: z.string(),
  logFile: z.string().optional(),
});
export type RuntimeInfo = z.infer<typeof RuntimeInfo>;

export function runtimeFile(agentDir: string): string {
  return join(agentDir, 'run', 'supervisor.json');
}

export function writeRuntimeInfo(file: string, info: RuntimeInfo): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(info, null, 2), { mode: 0o600 });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running supervisor, or undefined when there is none (no file, bad file, or dead pid). */
export function readRuntimeInfo(file: string): RuntimeInfo | undefined {
  try {
    const info = RuntimeInfo.parse(JSON.parse(readFileSync(file, 'utf8')));
    return isAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the file only if it is still ours (a newer supervisor may have replaced it). */
export function removeRuntimeInfo(file: string, pid: number): void {
  try {
    const info = RuntimeInfo.parse(JSON.parse(readFileSync(file, 'utf8')));
    if (info.pid === pid) rmSync(file, { force: true });
  } catch {
    // nothing to remove
  }
}
