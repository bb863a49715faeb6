import { call, schedulerClients, ServiceRole, serviceInfoClient } from '@cliver/common';
import {
  fetchHealth,
  freePort,
  runCliver,
  killStartedProcesses,
  makeTempHome,
  startServiceProcess,
  waitFor,
  waitForHealthy,
  type ManagedProcess,
  type TempHome,
} from '@cliver/testkit';

jest.setTimeout(90_000);

async function schedulerStatus(home: TempHome, address: string) {
  const c = schedulerClients(address, home.internalKey());
  try {
    return await call(c.scheduler, c.scheduler.getSchedulerStatus, {}, 1000);
  } finally {
    c.scheduler.close();
    c.info.close();
  }
}

async function waitForLeader(home: TempHome, address: string, what: string) {
  return waitFor(async () => {
    const s = await schedulerStatus(home, address);
    return s.isLeader ? s : undefined;
  }, { timeoutMs: 15_000, what });
}

function waitForLog(p: ManagedProcess, msg: string): Promise<unknown> {
  return waitFor(() => p.logs().find((l) => l.msg === msg), { what: `"${msg}" in ${p.name}'s log` });
}

describe('leases between real service processes (container mode entry points)', () => {
  let home: TempHome;
  let core: ManagedProcess;

  beforeAll(async () => {
    home = await makeTempHome({ gateway: { lease_ttl_seconds: 3 } });
    core = startServiceProcess(home, 'agent-core');
    await waitForLog(core, 'agent-core ready');
  });

  afterAll(async () => {
    await killStartedProcesses();
    home.remove();
  });

  it('refuses a second agent-core on the same data folder within 5 s, naming the holder', async () => {
    const started = Date.now();
    const second = startServiceProcess(home, 'agent-core', ['--listen', `127.0.0.1:${await freePort()}`]);
    const exit = await second.waitForExit(5000);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(exit.code).toBe(3);
    expect(second.stderr).toMatch(new RegExp(`^Another gateway is already running: held by \\S+ pid ${core.pid} since \\d{4}-\\d\\d-\\d\\dT[^ ]+Z\\. The lease expires by itself`));
  });

  it('lets a standby scheduler take over within 10 s of a kill -9, with a higher fencing token', async () => {
    const leaderAddr = `127.0.0.1:${home.ports.scheduler}`;
    const standbyAddr = `127.0.0.1:${await freePort()}`;
    const leader = startServiceProcess(home, 'scheduler');
    const first = await waitForLeader(home, leaderAddr, 'the first scheduler to lead');
    const standby = startServiceProcess(home, 'scheduler', ['--listen', standbyAddr]);
    await waitForLog(standby, 'scheduler ready; waiting for its lease');
    expect(await schedulerStatus(home, standbyAddr)).toMatchObject({ isLeader: false, leaseToken: 0 });

    leader.kill('SIGKILL');
    const killedAt = Date.now();
    const second = await waitForLeader(home, standbyAddr, 'the standby to take over');
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(second.leaseToken).toBeGreaterThan(first.leaseToken);
    standby.kill('SIGTERM');
    expect(await standby.waitForExit(10_000)).toEqual({ code: 0, signal: null });
  });

  it('takes a paused leader\'s lease after the TTL and the paused one steps down when it wakes', async () => {
    const aAddr = `127.0.0.1:${await freePort()}`;
    const bAddr = `127.0.0.1:${await freePort()}`;
    const a = startServiceProcess(home, 'scheduler', ['--listen', aAddr]);
    const fromA = await waitForLeader(home, aAddr, 'scheduler A to lead');
    const b = startServiceProcess(home, 'scheduler', ['--listen', bAddr]);
    await waitForLog(b, 'scheduler ready; waiting for its lease');

    process.kill(a.pid, 'SIGSTOP'); // alive but silent: only the TTL can free its lease
    try {
      const fromB = await waitForLeader(home, bAddr, 'scheduler B to take over from a paused leader');
      expect(fromB.leaseToken).toBeGreaterThan(fromA.leaseToken);
    } finally {
      process.kill(a.pid, 'SIGCONT');
    }
    await waitFor(async () => !(await schedulerStatus(home, aAddr)).isLeader, { what: 'the woken ex-leader to step down' });
    const info = serviceInfoClient(aAddr, home.internalKey());
    const res = await call(info, info.getServiceInfo, {}, 1000);
    info.close();
    expect(res.info).toMatchObject({ role: ServiceRole.SERVICE_ROLE_STANDBY, leaseToken: 0 });
    a.kill('SIGTERM');
    b.kill('SIGTERM');
    await Promise.all([a.waitForExit(), b.waitForExit()]);
  });

  it('starts a new agent-core at once after the holder was killed with SIGKILL', async () => {
    core.kill('SIGKILL');
    await core.waitForExit();
    const started = Date.now();
    core = startServiceProcess(home, 'agent-core');
    await waitForLog(core, 'agent-core ready');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('/health when services are missing', () => {
  let home: TempHome;

  afterAll(async () => {
    await killStartedProcesses();
    home.remove();
  });

  it('answers 503 degraded naming what is down, then 200 once all are up', async () => {
    home = await makeTempHome();
    const api = startServiceProcess(home, 'gateway-api');
    await waitFor(() => api.logs().find((l) => l.msg === 'gateway-api ready'), { what: 'gateway-api ready' });
    const alone = await fetchHealth(home);
    expect(alone).toEqual({
      status: 503,
      body: { status: 'degraded', uptime: 0, tasks_run: 0, platforms: [], adapters: [], unavailable: ['agent-core', 'adapter-host'] },
    });
    startServiceProcess(home, 'agent-core');
    const partial = await waitFor(async () => {
      const h = await fetchHealth(home);
      return !(h.body.unavailable as string[]).includes('agent-core') ? h : undefined;
    }, { what: '/health to see agent-core' });
    expect(partial.status).toBe(503);
    expect(partial.body.unavailable).toEqual(['adapter-host', 'scheduler']);
    startServiceProcess(home, 'adapter-host');
    startServiceProcess(home, 'scheduler');
    await waitForHealthy(home);
  });
});

describe('cliver probe (the containers\' health check)', () => {
  it('exits 0 for a serving gRPC service and 1 when nothing answers', async () => {
    const home = await makeTempHome();
    const core = startServiceProcess(home, 'agent-core');
    await waitForLog(core, 'agent-core ready');
    expect(await runCliver(home, ['probe', `127.0.0.1:${home.ports.agentCore}`])).toMatchObject({ code: 0, stdout: 'SERVING\n' });
    const nobody = await freePort();
    const down = await runCliver(home, ['probe', `127.0.0.1:${nobody}`]);
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(`127.0.0.1:${nobody}: the service did not answer (it is down or restarting)\n`);
    core.kill('SIGTERM');
    await core.waitForExit();
    home.remove();
  });
});
