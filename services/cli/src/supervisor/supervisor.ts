import { hostname } from 'node:os';
import { EXIT, type Config, type GatewayPaths, type Logger, type ServiceName } from '@cliver/common';
import { RestartBackoff } from './backoff';
import { ServiceChild, type ChildExit } from './child';
import { removeRuntimeInfo, runtimeFile, writeRuntimeInfo } from './runtime-file';

export interface SupervisorOptions {
  config: Config;
  paths: GatewayPaths;
  log: Logger;
  /** Flags every child gets: --config, --agent, --log-level. */
  childArgs: string[];
  env: NodeJS.ProcessEnv;
  logFile?: string;
  /** Human-readable lines for the person at the terminal. */
  say: (line: string) => void;
}

// agent-core first: the others take their leases through it. Stopped in the reverse order.
const DEPENDENTS: ServiceName[] = ['gateway-api', 'adapter-host', 'scheduler'];
const STOP_GRACE_MS = 10_000;

/** Exit codes after which a restart would fail the same way (or disturb a running gateway). */
function isFinal(exit: ChildExit): boolean {
  return exit.code === EXIT.CONFIG || exit.code === EXIT.LEASE_HELD;
}

/**
 * Process mode: runs the four services as children, restarts a crashed one with backoff,
 * forwards SIGTERM/SIGINT and exits 0 once every child stopped cleanly.
 */
export class Supervisor {
  private readonly children = new Map<ServiceName, ServiceChild>();
  private readonly backoff = new Map<ServiceName, RestartBackoff>();
  private stopping: Promise<number> | undefined;
  private finalCode: number | undefined;
  private resolveDone!: (code: number) => void;
  readonly done = new Promise<number>((resolve) => (this.resolveDone = resolve));

  private resolveCoreReady!: () => void;
  private readonly coreReady = new Promise<void>((resolve) => (this.resolveCoreReady = resolve));

  constructor(private readonly o: SupervisorOptions) {
    this.children.set('agent-core', new ServiceChild('agent-core', o.childArgs, o.env));
    for (const service of DEPENDENTS) this.children.set(service, new ServiceChild(service, o.childArgs, o.env, this.coreReady));
    for (const service of this.children.keys()) this.backoff.set(service, new RestartBackoff());
  }

  /** True once a stop has begun (signal, final exit of a child). */
  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  get url(): string {
    const { host, port } = this.o.config.gateway;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  /** Starts everything; resolves when the gateway answers, or with an exit code if it cannot. */
  async start(): Promise<number | undefined> {
    process.once('SIGTERM', () => void this.stop('SIGTERM'));
    process.once('SIGINT', () => void this.stop('SIGINT'));
    const core = this.children.get('agent-core')!;
    this.launch(core);
    // The others load their code meanwhile and bind nothing until agent-core, our own child (IPC,
    // not an answer at the address, which could be another gateway), says it serves.
    for (const service of DEPENDENTS) this.launch(this.children.get(service)!);
    const coreUp = await Promise.race([core.ready, new Promise<boolean>((r) => setTimeout(() => r(false), 30_000).unref())]);
    if (this.finalCode !== undefined) return this.done;
    if (!coreUp) {
      // Crashed (it is being restarted) or still starting: the others wait for its leases anyway.
      const reason = core.running ? 'slow to start' : 'exited before it was ready; restarting it';
      this.o.log.warn({ child: 'agent-core', reason }, 'agent-core not ready; starting the other services');
    }
    this.resolveCoreReady();
    const file = runtimeFile(this.o.paths.agentDir);
    writeRuntimeInfo(file, { pid: process.pid, host: hostname(), startedAtMs: Date.now(), url: this.url, logFile: this.o.logFile });
    void this.done.then(() => removeRuntimeInfo(file, process.pid));
    return undefined;
  }

  private launch(child: ServiceChild): void {
    child.start((exit) => this.onExit(child, exit));
    this.o.log.info({ child: child.service, childPid: child.pid }, 'service started');
  }

  private onExit(child: ServiceChild, exit: ChildExit): void {
    if (this.stopping) return;
    if (isFinal(exit)) {
      this.o.log.error({ child: child.service, code: exit.code }, 'service refused to start; not restarting');
      this.finalCode = exit.code ?? EXIT.FAILED;
      void this.stop(`${child.service} exited with code ${exit.code}`, this.finalCode);
      return;
    }
    const delayMs = this.backoff.get(child.service)!.nextDelayMs(Date.now() - child.startedAtMs);
    this.o.log.warn({ child: child.service, code: exit.code, signal: exit.signal, delayMs }, 'service exited; restarting');
    setTimeout(() => {
      if (!this.stopping) this.launch(child);
    }, delayMs);
  }

  /** Stops the dependents, then agent-core; resolves `done` with the exit code. */
  stop(why: string, code?: number): Promise<number> {
    this.stopping ??= (async () => {
      this.o.log.info({ why }, 'stopping the gateway');
      const exits = await Promise.all(DEPENDENTS.map((s) => this.children.get(s)!.stop(STOP_GRACE_MS)));
      exits.push(await this.children.get('agent-core')!.stop(STOP_GRACE_MS));
      const clean = exits.every((e) => e.code === 0 || (e.code === null && e.signal === null));
      const result = code ?? (clean ? EXIT.OK : EXIT.FAILED);
      this.o.log.info({ code: result }, 'gateway stopped');
      this.resolveDone(result);
      return result;
    })();
    return this.stopping;
  }

  pids(): Record<string, number | undefined> {
    return Object.fromEntries([...this.children].map(([name, c]) => [name, c.pid]));
  }
}
