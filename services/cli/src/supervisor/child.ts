import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { ServiceName } from '@cliver/common';

// The entry points the containers run; spawning them is not importing their source.
const SERVICES_DIR = resolve(__dirname, '..', '..', '..');

export function serviceEntry(service: ServiceName): string {
  return join(SERVICES_DIR, service, 'dist', 'main.js');
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One service process. The IPC channel lets the child notice when the supervisor is gone. */
export class ServiceChild {
  process: ChildProcess | undefined;
  startedAtMs = 0;
  private exited: Promise<ChildExit> = Promise.resolve({ code: 0, signal: null });

  /**
   * @param go resolves when this child may bind its ports; until then it only loads its code
   *   (dependents start together with agent-core but must not serve before it owns the data).
   */
  constructor(
    readonly service: ServiceName,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly go?: Promise<void>,
  ) {}

  get pid(): number | undefined {
    return this.process?.pid;
  }

  get running(): boolean {
    return !!this.process && this.process.exitCode === null && this.process.signalCode === null;
  }

  /** Resolves true once the child reports it is serving, false if it exits first. */
  ready: Promise<boolean> = Promise.resolve(false);

  start(onExit: (exit: ChildExit) => void): void {
    const child = spawn(process.execPath, [serviceEntry(this.service), ...this.args], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...this.env, CLIVER_SUPERVISED: '1', ...(this.go ? { CLIVER_WAIT_FOR_GO: '1' } : {}) },
    });
    void this.go?.then(() => child.connected && child.send({ type: 'go' }));
    this.process = child;
    this.startedAtMs = Date.now();
    this.ready = new Promise((resolveReady) => {
      child.on('message', (m: { type?: string }) => m?.type === 'ready' && resolveReady(true));
      child.once('exit', () => resolveReady(false));
    });
    this.exited = new Promise((resolveExit) => {
      child.once('exit', (code, signal) => {
        resolveExit({ code, signal });
        onExit({ code, signal });
      });
    });
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs: number): Promise<ChildExit> {
    if (!this.running) return this.exited;
    this.process!.kill('SIGTERM');
    const timer = setTimeout(() => this.process?.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  wait(): Promise<ChildExit> {
    return this.exited;
  }
}
