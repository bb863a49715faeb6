import Database from 'better-sqlite3';
import { join } from 'node:path';
import {
  fetchHealth,
  freePort,
  killStartedProcesses,
  makeTempHome,
  runCliver,
  startGatewayProcess,
  waitFor,
  waitForHealthy,
  type ManagedProcess,
  type TempHome,
} from '@cliver/testkit';
import { call, serviceInfoClient } from '@cliver/common';

jest.setTimeout(90_000);

async function servicePid(home: TempHome, address: string): Promise<number> {
  const client = serviceInfoClient(address, home.internalKey());
  try {
    return (await call(client, client.getServiceInfo, {}, 1000)).info!.pid;
  } finally {
    client.close();
  }
}

describe('cliver gateway start (process mode)', () => {
  let home: TempHome;
  let supervisor: ManagedProcess;

  beforeAll(async () => {
    // A Telegram adapter whose Bot API nothing answers: it must show `error`, and the gateway stays healthy.
    home = await makeTempHome({ gateway: { platforms: { tg: { type: 'telegram', token: '123:abc', api_root: `http://127.0.0.1:${await freePort()}` } } } });
    supervisor = startGatewayProcess(home);
    await waitForHealthy(home);
  });

  afterAll(async () => {
    await killStartedProcesses();
    home.remove();
  });

  it('answers /health in the seed shape', async () => {
    const { status, body } = await fetchHealth(home);
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['adapters', 'platforms', 'status', 'tasks_run', 'uptime']);
    expect(body).toMatchObject({ status: 'ok', tasks_run: 0, platforms: ['tg'] });
    const adapters = await waitFor(async () => {
      const h = await fetchHealth(home);
      return (h.body.adapters as Array<{ state: string }>)[0]?.state === 'error' ? h.body.adapters : undefined;
    }, { what: 'the Telegram adapter to report its error' });
    expect(adapters).toEqual([{ name: 'tg', state: 'error', error: expect.stringMatching(/^cannot reach the Telegram Bot API: /) }]);
    // The Bot API URL holds the token; the error text quotes the URL.
    expect(JSON.stringify(adapters)).not.toContain('123:abc');
    expect(Number.isInteger(body.uptime)).toBe(true);
  });

  it("refuses a second gateway on the same home naming the first gateway's supervisor, leaving the first untouched", async () => {
    const corePid = await servicePid(home, `127.0.0.1:${home.ports.agentCore}`);
    const started = Date.now();
    const second = await runCliver(home, ['gateway', 'start'], 15_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(new RegExp(`^Another gateway is already running: supervisor pid ${supervisor.pid} on \\S+ since \\d{4}-\\d\\d-\\d\\dT[^ ]+Z, at ${home.url}\\. Stop it with`));
    expect((await fetchHealth(home)).status).toBe(200);
    expect(await servicePid(home, `127.0.0.1:${home.ports.agentCore}`)).toBe(corePid);
  });

  it('prints every service in `gateway status` and exits 0 when all are healthy', async () => {
    const res = await runCliver(home, ['gateway', 'status']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`  Status: running (PID ${supervisor.pid})`);
    expect(res.stdout).toContain(`  URL: ${home.url}`);
    expect(res.stdout).toContain('  Tasks run: 0');
    for (const service of ['agent-core', 'gateway-api', 'adapter-host', 'scheduler']) {
      expect(res.stdout).toMatch(new RegExp(`● ${service}\\s+pid \\d+, up `));
    }
    expect(res.stdout).toMatch(/● scheduler\s+pid \d+, up [^,]+, leader, lease token \d+/);
    expect(res.stdout).toMatch(/ {4}✗ tg \(cannot reach the Telegram Bot API: [^)]+\)/);
  });

  it('brings agent-core back after kill -9 and /health recovers', async () => {
    const address = `127.0.0.1:${home.ports.agentCore}`;
    const before = await servicePid(home, address);
    process.kill(before, 'SIGKILL');
    const after = await waitFor(async () => {
      const pid = await servicePid(home, address).catch(() => undefined);
      return pid !== undefined && pid !== before ? pid : undefined;
    }, { timeoutMs: 15_000, what: 'a new agent-core' });
    expect(after).not.toBe(before);
    await waitForHealthy(home, 15_000);
  });

  it('exits 0 within 10 s on SIGTERM and releases every lease', async () => {
    supervisor.kill('SIGTERM');
    const started = Date.now();
    const exit = await supervisor.waitForExit(10_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(10_000);
    const db = new Database(join(home.dir, 'CLIver', 'gateway.db'), { readonly: true });
    const leases = db.prepare('SELECT name, holder_id FROM leases ORDER BY name').all();
    db.close();
    expect(leases).toEqual([
      { name: 'adapter-host', holder_id: null },
      { name: 'agent-core', holder_id: null },
      { name: 'scheduler', holder_id: null },
    ]);
    const status = await runCliver(home, ['gateway', 'status']);
    expect(status).toMatchObject({ code: 3, stdout: 'Gateway is not running.\n' });
  });
});

describe('cliver gateway start --detach, stop, restart', () => {
  let home: TempHome;

  beforeAll(async () => {
    home = await makeTempHome();
  });

  afterAll(async () => {
    await runCliver(home, ['gateway', 'stop']).catch(() => undefined);
    await killStartedProcesses();
    home.remove();
  });

  it('runs in the background with a log file, restarts, and stops', async () => {
    const started = await runCliver(home, ['gateway', 'start', '--detach']);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/CLIver Gateway started in the background \(PID \d+\) at http:\/\/127\.0\.0\.1:\d+/);
    expect(started.stdout).toContain(`Logs: ${join(home.dir, 'gateway.log')}`);
    await waitForHealthy(home);
    const firstPid = Number(/PID (\d+)/.exec(started.stdout)![1]);

    const restarted = await runCliver(home, ['gateway', 'restart'], 60_000);
    expect(restarted.code).toBe(0);
    expect(restarted.stdout).toContain('Gateway stopped.');
    const secondPid = Number(/PID (\d+)/.exec(restarted.stdout)![1]);
    expect(secondPid).not.toBe(firstPid);
    await waitForHealthy(home);

    const stopped = await runCliver(home, ['gateway', 'stop']);
    expect(stopped).toMatchObject({ code: 0, stdout: 'Gateway stopped.\n' });
    expect(() => process.kill(secondPid, 0)).toThrow();
    expect(await runCliver(home, ['gateway', 'stop'])).toMatchObject({ code: 0, stdout: 'No gateway running.\n' });
  });
});
