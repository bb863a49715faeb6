import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-paths';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const started = new Set<ManagedProcess>();

/** Where test processes write their output; kept after the run so a failure can be read. */
export const LOG_DIR = join(REPO_ROOT, '.test-logs');

/**
 * A process a test started: output captured in memory and in `.test-logs/`, and killed by pid
 * (never by name) when the test ends.
 */
export class ManagedProcess {
  readonly child: ChildProcess;
  readonly logFile: string;
  readonly exited: Promise<ProcessExit>;
  private out = '';
  private err = '';
  private readonly log: WriteStream;

  constructor(readonly name: string, args: string[], env: NodeJS.ProcessEnv) {
    mkdirSync(LOG_DIR, { recursive: true });
    this.logFile = join(LOG_DIR, `${name}-${Date.now()}-${Math.random().toString(16).slice(2, 6)}.log`);
    this.log = createWriteStream(this.logFile);
    this.child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: REPO_ROOT });
    this.child.stdout!.on('data', (d: Buffer) => ((this.out += d), this.log.write(d)));
    this.child.stderr!.on('data', (d: Buffer) => ((this.err += d), this.log.write(d)));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    void this.exited.then(() => started.delete(this));
    started.add(this);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Parsed JSON log lines from stdout (pino); other lines are skipped. */
  logs(): Array<Record<string, unknown>> {
    return this.out.split('\n').flatMap((line) => {
      try {
        return line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.running) this.child.kill(signal);
  }

  /** Waits for the exit; throws if it takes longer than `timeoutMs`. */
  async waitForExit(timeoutMs = 15_000): Promise<ProcessExit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name} (pid ${this.pid}) did not exit within ${timeoutMs} ms; log: ${this.logFile}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Kills every process the tests started that is still running (SIGKILL), and waits for them. */
export async function killStartedProcesses(): Promise<void> {
  const running = [...started];
  for (const p of running) p.kill('SIGKILL');
  await Promise.all(running.map((p) => p.exited));
}
