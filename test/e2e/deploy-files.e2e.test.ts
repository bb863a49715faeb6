// Checks the container deployment files with the real tools (Debian's docker-compose 1.29 and
// caddy 2.6), without a Docker engine: the compose file resolves, only agent-core mounts the data
// volume, only Caddy publishes ports, and the Caddyfile is valid and formatted.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

const repoRoot = path.resolve(__dirname, '..', '..');
const composeFile = path.join(repoRoot, 'docker-compose.yml');
const caddyfile = path.join(repoRoot, 'Caddyfile');
const cliverServices = ['agent-core', 'gateway-api', 'adapter-host', 'scheduler'];

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd: repoRoot, env, encoding: 'utf8', timeout: 30_000 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(`${command} is not installed. Run \`bash scripts/install-system-deps.sh\` first.`);
  }
  if (result.error) throw result.error;
  return result;
}

/** Runs the command and fails with its output unless it exits 0. */
function runOk(command: string, args: string[], env?: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  const result = run(command, args, env);
  if (result.status !== 0) {
    throw new Error(`\`${command} ${args.join(' ')}\` exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/** One mount of a service in `docker-compose config` output (short or long syntax). */
type Mount = { type: string; source: string; target: string; readOnly: boolean };

function toMount(entry: unknown): Mount {
  if (typeof entry === 'string') {
    const [source, target, mode = 'rw'] = entry.split(':');
    const isBind = source.startsWith('/') || source.startsWith('.');
    return { type: isBind ? 'bind' : 'volume', source, target, readOnly: mode.split(',').includes('ro') };
  }
  const long = entry as { type: string; source: string; target: string; read_only?: boolean };
  return { type: long.type, source: long.source, target: long.target, readOnly: long.read_only === true };
}

type ComposeService = { volumes?: unknown[]; ports?: unknown[] };

describe('docker-compose.yml', () => {
  let services: Record<string, ComposeService>;

  beforeAll(() => {
    // Must resolve without a .env: every operator variable has a default or is passed through.
    const config = runOk('docker-compose', ['-f', composeFile, 'config']);
    services = (parse(config.stdout) as { services: Record<string, ComposeService> }).services;
  });

  it('passes `docker-compose config -q`', () => {
    const result = runOk('docker-compose', ['-f', composeFile, 'config', '-q']);
    expect(result.status).toBe(0);
  });

  it('defines the four services and caddy', () => {
    expect(Object.keys(services).sort()).toEqual([...cliverServices, 'caddy'].sort());
  });

  it('mounts the data volume in agent-core only', () => {
    const mountsOf = (name: string) => (services[name].volumes ?? []).map(toMount);
    const data = mountsOf('agent-core').find((m) => m.target === '/data');
    expect(data).toMatchObject({ type: 'volume', readOnly: false });

    const holders = Object.keys(services).filter((name) => mountsOf(name).some((m) => m.source === data!.source));
    expect(holders).toEqual(['agent-core']);
    for (const name of ['gateway-api', 'adapter-host', 'scheduler']) {
      expect(mountsOf(name).filter((m) => m.type === 'volume')).toEqual([]);
    }
  });

  it('gives all four services the config file read-only', () => {
    for (const name of cliverServices) {
      const config = (services[name].volumes ?? []).map(toMount).find((m) => m.target === '/etc/cliver/config.yaml');
      expect({ name, config }).toEqual({ name, config: expect.objectContaining({ type: 'bind', readOnly: true }) });
    }
  });

  it('publishes ports from caddy only', () => {
    const publishing = Object.keys(services).filter((name) => (services[name].ports ?? []).length > 0);
    expect(publishing).toEqual(['caddy']);
  });
});

describe('Caddyfile', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    // validate provisions a local CA: keep it out of ~ (XDG dirs) and use the default domain.
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cliver-caddy-'));
    env = { ...process.env, XDG_DATA_HOME: path.join(home, 'data'), XDG_CONFIG_HOME: path.join(home, 'config') };
    delete env.CLIVER_DOMAIN;
  });

  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  it('passes `caddy validate`', () => {
    const result = runOk('caddy', ['validate', '--config', caddyfile, '--adapter', 'caddyfile'], env);
    expect(result.stderr + result.stdout).toContain('Valid configuration');
  });

  it('proxies to gateway-api:8321 and flushes immediately (SSE)', () => {
    const result = runOk('caddy', ['adapt', '--config', caddyfile, '--adapter', 'caddyfile'], env);
    type Handler = { handler?: string; flush_interval?: number; upstreams?: Array<{ dial: string }> };
    const proxies: Handler[] = [];
    JSON.stringify(JSON.parse(result.stdout), (_key, value: Handler | null) => {
      if (value?.handler === 'reverse_proxy') proxies.push(value);
      return value;
    });
    expect(proxies).toEqual([expect.objectContaining({ flush_interval: -1, upstreams: [{ dial: 'gateway-api:8321' }] })]);
  });

  it('is formatted (`caddy fmt` changes nothing)', () => {
    const result = runOk('caddy', ['fmt', caddyfile], env);
    // Compare line by line so a failure shows where; fix with `caddy fmt --overwrite Caddyfile`.
    expect(result.stdout.split('\n')).toEqual(fs.readFileSync(caddyfile, 'utf8').split('\n'));
  });
});
