import { ManagedProcess } from './managed-process';
import { CLIVER_BIN, serviceMain } from './repo-paths';
import type { TempHome } from './temp-home';
import { waitFor } from './wait-for';

/** Runs `cliver ARGS` against a temp home and waits for it to exit. */
export async function runCliver(home: TempHome, args: string[], timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = new ManagedProcess(`cliver-${args.slice(0, 2).join('-')}`, [CLIVER_BIN, ...args], home.env);
  const exit = await p.waitForExit(timeoutMs);
  return { code: exit.code, stdout: p.stdout, stderr: p.stderr };
}

/** `cliver gateway start` in the foreground (the supervisor), as `npm start` runs it. */
export function startGatewayProcess(home: TempHome, args: string[] = []): ManagedProcess {
  return new ManagedProcess('supervisor', [CLIVER_BIN, 'gateway', 'start', ...args], home.env);
}

/** One service's entry point alone, as its container runs it. */
export function startServiceProcess(home: TempHome, service: string, args: string[] = []): ManagedProcess {
  return new ManagedProcess(service, [serviceMain(service), ...args], home.env);
}

export async function fetchHealth(home: TempHome): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${home.url}/health`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Waits until /health answers 200 (every service up, leases held). */
export function waitForHealthy(home: TempHome, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  return waitFor(
    async () => {
      const h = await fetchHealth(home);
      return h.status === 200 ? h.body : undefined;
    },
    { timeoutMs, intervalMs: 20, what: `/health 200 at ${home.url}` },
  );
}
