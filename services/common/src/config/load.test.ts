import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './load';
import { formatConfigProblem } from './problem';
import { starterConfigText, writeStarterConfig } from './starter';
import { FIXTURE_HOME } from '@cliver/testkit';

const FIXTURE = join(FIXTURE_HOME, 'config.yaml');
const FIXTURE_ENV = {
  OPENAI_API_KEY: 'sk-test-openai-0000',
  CLIVER_API_KEY: 'cliver-key',
  CLIVER_ADMIN_PASSWORD: 'admin-pass',
  TELEGRAM_BOT_TOKEN: '123:tg',
  DISCORD_BOT_TOKEN: 'dc',
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_APP_TOKEN: 'xapp-1',
  FEISHU_APP_SECRET: 'fs-secret',
  FEISHU_APP_ID: 'cli_1',
  FEISHU_VERIFICATION_TOKEN: 'vt',
};

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cliver-config-'));
  dirs.push(dir);
  return dir;
}

function writeFile(dir: string, name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function load(lines: string[], env: Record<string, string> = {}) {
  return loadConfig({ file: writeFile(tempDir(), 'config.yaml', lines), env });
}

describe('loadConfig with the original CLIver fixture', () => {
  it('loads it unchanged with no errors and no warnings', () => {
    const { config, warnings, file } = loadConfig({ file: FIXTURE, env: FIXTURE_ENV });
    expect(warnings).toEqual([]);
    expect(file).toBe(FIXTURE);
    expect(config.default_model).toBe('openai/gpt-4o');
    expect(config.gateway.port).toBe(8321);
    expect(Object.keys(config.gateway.platforms)).toEqual(['telegram', 'discord', 'slack', 'feishu']);
    expect(config.session).toEqual({ max_sessions: 300, max_turns_per_session: 100, max_age_days: 30 });
    expect(config.providers.openai.models[1]).toMatchObject({ name: 'gpt-4o-mini', context_window: 128000 });
    expect(config.providers.local.models).toEqual(['qwen2.5:14b']);
    expect(config.providers.openai.api_key).toBe('sk-test-openai-0000');
    expect(config.providers.claude.api_key).toBe('');
    expect(config.mcpServers.remote.headers).toEqual({ Authorization: 'Bearer none' });
    expect(config.gateway.platforms.slack.app_token).toBe('xapp-1');
    expect(config.model_auto_fallback).toBe(true);
  });
});

describe('loadConfig warnings', () => {
  it('names an unknown top-level key and suggests the closest known one', () => {
    expect(load(['gatway:', '  port: 8321']).warnings.map(formatConfigProblem)).toEqual([
      'config.yaml:1 gatway: unknown key "gatway" (did you mean "gateway"?)',
    ]);
  });

  it('names an unknown gateway key, and one too far from any known key without a guess', () => {
    expect(load(['gateway:', '  hots: 0.0.0.0', '  flux_capacitor: 1']).warnings.map(formatConfigProblem)).toEqual([
      'config.yaml:2 gateway.hots: unknown key "hots" (did you mean "host"?)',
      'config.yaml:3 gateway.flux_capacitor: unknown key "flux_capacitor"',
    ]);
  });

  it('names a typo inside a built-in platform but not the extra keys of a custom adapter', () => {
    const lines = ['gateway:', '  platforms:', '    tg: {type: telegram, token: t, allowed_user: ["1"]}',
      '    mine: {type: my_pkg.bots.MyAdapter, region: eu}'];
    expect(load(lines).warnings.map(formatConfigProblem)).toEqual([
      'config.yaml:3 gateway.platforms.tg.allowed_user: unknown key "allowed_user" (did you mean "allowed_users"?)',
    ]);
  });

  it('accepts the legacy agent_name silently', () => {
    const { config, warnings } = load(['agent_name: Bob']);
    expect(warnings).toEqual([]);
    expect(config.default_agent_name).toBe('Bob');
  });

  it('warns that keyring() is not supported and leaves an optional field unset', () => {
    const { config, warnings } = load(['gateway:', `  api_key: "{{ keyring('cliver', 'api') }}"`]);
    expect(config.gateway.api_key).toBeUndefined();
    expect(warnings.map(formatConfigProblem)).toEqual([
      'config.yaml:2 gateway.api_key: keyring() is not supported, so this setting is left unset; put the secret in an environment variable and write "{{ env.NAME }}" instead',
    ]);
  });

  it('warns about an unset variable in an optional field and leaves the field unset', () => {
    const { config, warnings } = load(['gateway:', '  api_key: "{{ env.CLIVER_API_KEY }}"', '  admin_username: "{{ env.ADMIN_USER }}"']);
    expect(config.gateway.api_key).toBeUndefined();
    expect(config.gateway.admin_username).toBe('admin');
    expect(warnings.map(formatConfigProblem)).toEqual([
      'config.yaml:2 gateway.api_key: environment variable CLIVER_API_KEY is not set, so this setting is left unset',
      'config.yaml:3 gateway.admin_username: environment variable ADMIN_USER is not set, so this setting is left unset',
    ]);
  });

  it('warns about an unset variable inside a longer value', () => {
    const lines = ['mcpServers:', '  r:', '    transport: sse', '    url: https://h/sse', '    headers: {Authorization: "Bearer {{ env.TOK }}"}'];
    const { config, warnings } = load(lines);
    expect(config.mcpServers.r.headers).toEqual({ Authorization: 'Bearer ' });
    expect(warnings.map(formatConfigProblem)).toEqual([
      'config.yaml:5 mcpServers.r.headers.Authorization: environment variable TOK is not set; it was rendered as an empty string',
    ]);
  });
});

describe('loadConfig with sparse files', () => {
  it('loads an empty file with every default', () => {
    const { config, warnings } = load(['# nothing yet']);
    expect(warnings).toEqual([]);
    expect(config.gateway.port).toBe(8321);
  });

  it('treats a key left empty (all its entries commented out) as unset', () => {
    const { config, warnings } = load(['gateway:', '  platforms:', '  #  telegram:', '  port:', 'session:']);
    expect(warnings).toEqual([]);
    expect(config.gateway.platforms).toEqual({});
    expect(config.gateway.port).toBe(8321);
    expect(config.session.max_sessions).toBe(300);
  });

  it('keeps the warnings on a ConfigError, since a typo may explain the error', () => {
    const lines = ['providers:', '  openai:', '    api_ulr: https://api.openai.com/v1'];
    expect(() => load(lines)).toThrow(
      expect.objectContaining({
        problems: [expect.objectContaining({ path: 'providers.openai.api_url', message: 'is required' })],
        warnings: [expect.objectContaining({ line: 3, message: 'unknown key "api_ulr" (did you mean "api_url"?)' })],
      }),
    );
  });
});

describe('loadConfig env substitution', () => {
  const TEMPLATED = [
    'user_agent: "{{env.A}}|{{ env.B }}|{{ env[\'C\'] }}|{{ env.D | default(\'dflt\') }}|{{ env.E or \'other\' }}"',
  ];

  it('renders every template form', () => {
    const { config } = load(TEMPLATED, { A: 'a', B: 'b', C: 'c' });
    expect(config.user_agent).toBe('a|b|c|dflt|other');
  });

  it('reads ~/.env, lets ./.env override it and the real environment override both', () => {
    const dir = tempDir();
    const homeEnvFile = writeFile(dir, 'home.env', ['A=home', 'B=home', 'C=home', 'D=home']);
    const cwdEnvFile = writeFile(dir, 'cwd.env', ['B=cwd', 'C=cwd', '# a comment', 'E="quoted cwd"']);
    const file = writeFile(dir, 'config.yaml', TEMPLATED);
    const { config } = loadConfig({ file, env: { C: 'real', D: undefined }, homeEnvFile, cwdEnvFile });
    expect(config.user_agent).toBe('home|cwd|real|home|quoted cwd');
  });

  it('ignores env files that do not exist', () => {
    const dir = tempDir();
    const file = writeFile(dir, 'config.yaml', TEMPLATED);
    const result = loadConfig({ file, env: { A: 'a' }, homeEnvFile: join(dir, 'none'), cwdEnvFile: join(dir, 'none2') });
    expect(result.config.user_agent).toBe('a|||dflt|other');
  });

  it('turns a templated number into a number', () => {
    expect(load(['gateway:', '  port: "{{ env.PORT }}"'], { PORT: '9000' }).config.gateway.port).toBe(9000);
  });

  it('applies the container-mode overrides after rendering', () => {
    const env = {
      CLIVER_GATEWAY_HOST: '0.0.0.0',
      CLIVER_GATEWAY_PORT: '9001',
      CLIVER_AGENT_CORE_ADDR: 'agent-core:8331',
      CLIVER_GATEWAY_API_ADDR: 'gateway-api:8332',
      CLIVER_ADAPTER_HOST_ADDR: 'adapter-host:8333',
      CLIVER_SCHEDULER_ADDR: 'scheduler:8334',
    };
    const { gateway } = load(['gateway:', '  host: 127.0.0.1', '  port: 8321'], env).config;
    expect([gateway.host, gateway.port]).toEqual(['0.0.0.0', 9001]);
    expect(gateway.internal).toEqual({
      agent_core: 'agent-core:8331',
      gateway_api: 'gateway-api:8332',
      adapter_host: 'adapter-host:8333',
      scheduler: 'scheduler:8334',
    });
  });
});

describe('starter config', () => {
  it('loads with no problems, bound to loopback on port 8321', () => {
    const { config, warnings } = load([starterConfigText()]);
    expect(warnings).toEqual([]);
    expect([config.gateway.host, config.gateway.port]).toEqual(['127.0.0.1', 8321]);
    expect(config.gateway.api_key).toBeUndefined();
  });

  it('is written with mode 0600 into a folder it creates, and never over an existing file', () => {
    const file = join(tempDir(), 'home', '.cliver', 'config.yaml');
    writeStarterConfig(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(starterConfigText());
    expect(loadConfig({ file, env: {} }).warnings).toEqual([]);
    expect(() => writeStarterConfig(file)).toThrow(/EEXIST/);
  });
});
