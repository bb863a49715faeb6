import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import {
  CLIVER_BIN,
  freePorts,
  killStartedProcesses,
  makeTempHome,
  ManagedProcess,
  runCliver,
  startServiceProcess,
  waitFor,
} from '@cliver/testkit';

jest.setTimeout(60_000);

afterAll(() => killStartedProcesses());

describe('first run on a fresh machine', () => {
  it('creates $CLIVER_CONF_DIR with a starter config, starts, and prints the URL', async () => {
    const dir = join(tmpdir(), `cliver-fresh-${Date.now()}`);
    const [http, core, api, adapters, scheduler] = await freePorts(5);
    // The starter config binds the default ports; the container-mode overrides move them.
    const env = {
      ...process.env,
      HOME: dir,
      CLIVER_CONF_DIR: dir,
      CLIVER_GATEWAY_PORT: String(http),
      CLIVER_AGENT_CORE_ADDR: `127.0.0.1:${core}`,
      CLIVER_GATEWAY_API_ADDR: `127.0.0.1:${api}`,
      CLIVER_ADAPTER_HOST_ADDR: `127.0.0.1:${adapters}`,
      CLIVER_SCHEDULER_ADDR: `127.0.0.1:${scheduler}`,
    };
    expect(existsSync(dir)).toBe(false);
    const gateway = new ManagedProcess('first-run', [CLIVER_BIN, 'gateway', 'start'], env);
    await waitFor(() => gateway.stderr.includes('CLIver Gateway is running at'), { timeoutMs: 30_000, what: 'the URL line' });
    expect(gateway.stdout).toContain(`Created a starter config at ${join(dir, 'config.yaml')}`);
    expect(gateway.stderr).toContain(`CLIver Gateway is running at http://127.0.0.1:${http} (agent CLIver, home ${dir})`);
    const config = readFileSync(join(dir, 'config.yaml'), 'utf8');
    expect(config).toMatch(/^\s*host: "?127\.0\.0\.1"?/m);
    const settings = config.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
    expect(settings.join('\n')).not.toMatch(/api_key|admin_password|token|secret/);
    expect((await fetch(`http://127.0.0.1:${http}/health`)).status).toBe(200);
    // A first chat names the file to edit and the keyless way to try things.
    const chat = new ManagedProcess('first-chat', [CLIVER_BIN, 'chat', 'hello'], env);
    expect((await chat.waitForExit(30_000)).code).toBe(1);
    expect(chat.stderr).toContain(`no models are configured: add a provider with its models under \`providers:\` in ${join(dir, 'config.yaml')}`);
    expect(chat.stderr).toContain('run `npm run demo`');
    gateway.kill('SIGTERM');
    expect(await gateway.waitForExit(10_000)).toEqual({ code: 0, signal: null });
  });
});

describe('config warnings', () => {
  it('are printed once per start, by the supervisor, and not by status or stop', async () => {
    const home = await makeTempHome({ top: { user_agent: '{{ env.CLIVER_TEST_UNSET_AGENT }}' } });
    const gateway = new ManagedProcess('warn-once', [CLIVER_BIN, 'gateway', 'start'], home.env);
    await waitFor(() => gateway.stderr.includes('CLIver Gateway is running at'), { timeoutMs: 30_000, what: 'the gateway' });
    const mentions = (text: string) => text.split('CLIVER_TEST_UNSET_AGENT').length - 1;
    expect(mentions(gateway.stdout + gateway.stderr)).toBe(1);
    const status = await runCliver(home, ['gateway', 'status']);
    expect(mentions(status.stdout + status.stderr)).toBe(0);
    const stop = await runCliver(home, ['gateway', 'stop']);
    expect(stop.code).toBe(0);
    expect(mentions(stop.stdout + stop.stderr)).toBe(0);
    await gateway.waitForExit(15_000);
    expect(mentions(gateway.stdout + gateway.stderr)).toBe(1);
    home.remove();
  });
});

describe('a bad config stops start-up with exit code 2 and the file, line and key', () => {
  it('for the supervisor, before any service starts', async () => {
    const home = await makeTempHome();
    const text = readFileSync(home.configFile, 'utf8').replace(/port: \d+/, 'port: eighty');
    writeFileSync(home.configFile, text);
    const line = text.split('\n').findIndex((l) => l.includes('port: eighty')) + 1;
    const res = await runCliver(home, ['gateway', 'start']);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(`config.yaml:${line} gateway.port: expected a number from 1 to 65535, got "eighty"\n`);
    expect(existsSync(join(home.dir, 'CLIver', 'gateway.db'))).toBe(false);
    home.remove();
  });

  it('for a service started alone, naming the missing environment variable', async () => {
    const home = await makeTempHome({ gateway: { platforms: { telegram: { type: 'telegram', token: '{{ env.CLIVER_TEST_UNSET_TOKEN }}' } } } });
    const line = readFileSync(home.configFile, 'utf8').split('\n').findIndex((l) => l.includes('CLIVER_TEST_UNSET_TOKEN')) + 1;
    const core = startServiceProcess(home, 'agent-core');
    expect((await core.waitForExit()).code).toBe(2);
    expect(core.stderr).toBe(
      `config.yaml:${line} gateway.platforms.telegram.token: environment variable CLIVER_TEST_UNSET_TOKEN is not set\n`,
    );
    home.remove();
  });

  it('refuses a public bind without an api_key', async () => {
    const home = await makeTempHome({ gateway: { host: '0.0.0.0' } });
    const api = startServiceProcess(home, 'gateway-api');
    expect((await api.waitForExit()).code).toBe(2);
    expect(api.stderr).toContain('gateway.host is "0.0.0.0", which is reachable from other machines, but gateway.api_key is not set.');
    home.remove();
  });

  it('rejects an unknown flag with usage', async () => {
    const home = await makeTempHome();
    const core = startServiceProcess(home, 'scheduler', ['--bogus']);
    expect((await core.waitForExit()).code).toBe(2);
    expect(core.stderr).toContain("scheduler: Unknown option '--bogus'");
    home.remove();
  });
});
