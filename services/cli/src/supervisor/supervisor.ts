import { hostname } from 'node:os';
import { call, EXIT, internalAddress, serviceInfoClient, type Config, type GatewayPaths, type Logger, type ServiceName } from '@cliver/common';
import { RestartBackoff } from './backoff';
import { ServiceChild, type ChildExit } from './child';
import { removeRuntimeInfo, runtimeFile, writeRuntimeInfo } from './runtime-file';
import { waitFor } from './wait-for';

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

  constructor(private readonly o: SupervisorOptions) {
    for (const service of ['agent-core', ...DEPENDENTS] as ServiceName[]) {
      this.children.set(service, new ServiceChild(service, o.childArgs, o.env));
      this.backoff.set(service, new RestartBackoff());
    }
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
    const coreUp = await waitFor(async () => !core.running || (await this.answeringPid('agent-core')) === core.pid, 30_000);
    if (this.finalCode !== undefined) return this.done;
    if (!coreUp) this.o.log.warn('agent-core is slow to start; starting the other services anyway');
    const file = runtimeFile(this.o.paths.agentDir);
    writeRuntimeInfo(file, { pid: process.pid, host: hostname(), startedAtMs: Date.now(), url: this.url, logFile: this.o.logFile });
    void this.done.then(() => removeRuntimeInfo(file, process.pid));
    for (const service of DEPENDENTS) this.launch(this.children.get(service)!);
    return undefined;
  }

  /**
   * The pid of whoever answers at a service's address. Health alone is not enough: the address
   * may belong to another gateway that is already running, which our child must not be taken for.
   */
  private async answeringPid(service: ServiceName): Promise<number | undefined> {
    const client = serviceInfoClient(internalAddress(this.o.config, service));
    try {
      return (await call(client, client.getServiceInfo, {}, 500)).info?.pid;
    } catch {
      return undefined;
    } finally {
      client.close();
    }
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
