import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './load';
import { ConfigError, formatConfigProblem } from './problem';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function writeConfig(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'cliver-config-'));
  dirs.push(dir);
  const file = join(dir, 'config.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function problemsOf(file: string, env: Record<string, string> = {}): string[] {
  try {
    loadConfig({ file, env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map(formatConfigProblem);
    throw err;
  }
  throw new Error('expected the config to be rejected');
}

const OPENAI = ['  openai:', '    api_url: https://api.openai.com/v1', '    models: [gpt-4o]'];

describe('loadConfig rejects a bad config with a located message', () => {
  it.each<[string, string[], Record<string, string>, string[]]>([
    ['a port that is not a number', ['gateway:', '  port: eighty'], {},
      ['config.yaml:2 gateway.port: expected a number from 1 to 65535, got "eighty"']],
    ['a port out of range', ['gateway:', '  port: 70000'], {},
      ['config.yaml:2 gateway.port: expected a number from 1 to 65535, got 70000']],
    ['a required token whose env variable is unset',
      ['gateway:', '  platforms:', '    telegram:', '      type: telegram', '      token: "{{ env.TELEGRAM_BOT_TOKEN }}"'], {},
      ['config.yaml:5 gateway.platforms.telegram.token: environment variable TELEGRAM_BOT_TOKEN is not set']],
    ['slack without app_token', ['gateway:', '  platforms:', '    work:', '      type: slack', '      token: xoxb-1'], {},
      ['config.yaml:3 gateway.platforms.work.app_token: is required for type slack (the app-level token, xapp-…, that Socket Mode uses)']],
    ['feishu without app_id', ['gateway:', '  platforms:', '    lark:', '      type: feishu', '      token: secret'], {},
      ['config.yaml:3 gateway.platforms.lark.app_id: is required for type feishu (the app id, cli_…)']],
    ['discord without token', ['gateway:', '  platforms:', '    dc:', '      type: discord'], {},
      ['config.yaml:3 gateway.platforms.dc.token: is required for type discord (the bot token from the Discord Developer Portal)']],
    ['an unknown platform type', ['gateway:', '  platforms:', '    tg:', '      type: telegarm'], {},
      ['config.yaml:4 gateway.platforms.tg.type: expected one of telegram, discord, slack, feishu or a custom adapter module such as ./my-adapter.js or @scope/adapter, got "telegarm"']],
    ['an unknown MCP transport', ['mcpServers:', '  fs:', '    transport: grpc', '    command: npx'], {},
      ['config.yaml:3 mcpServers.fs.transport: expected one of stdio, sse, streamable_http, websocket, got "grpc"']],
    ['a stdio MCP server without command', ['mcpServers:', '  fs:', '    transport: stdio'], {},
      ['config.yaml:2 mcpServers.fs.command: is required for transport stdio (the program to start)']],
    ['an sse MCP server without url', ['mcpServers:', '  remote: {transport: sse}'], {},
      ["config.yaml:2 mcpServers.remote.url: is required for transport sse (the server's URL)"]],
    ['a provider without api_url', ['providers:', '  openai:', '    type: openai'], {},
      ['config.yaml:2 providers.openai.api_url: is required']],
    ['a default_model naming no configured model', ['default_model: gpt-5', 'providers:', ...OPENAI], {},
      ['config.yaml:1 default_model: no configured model is named "gpt-5" (configured models: openai/gpt-4o)']],
    ['an ambiguous short default_model',
      ['default_model: gpt-4o', 'providers:', ...OPENAI, '  azure:', '    api_url: https://x.openai.azure.com', '    models: [gpt-4o]'], {},
      ['config.yaml:1 default_model: "gpt-4o" matches several models (openai/gpt-4o, azure/gpt-4o); write the full id']],
    ['an unknown time zone', ['timezone: Mars/Olympus_Mons'], {},
      ['config.yaml:1 timezone: expected an IANA time zone such as "Asia/Shanghai", got "Mars/Olympus_Mons"']],
    ['a negative session limit', ['session:', '  max_sessions: -1'], {},
      ['config.yaml:2 session.max_sessions: expected a positive integer, got -1']],
    ['allowed_users that is not a list',
      ['gateway:', '  platforms:', '    tg:', '      type: telegram', '      token: t', '      allowed_users: 12345'], {},
      ['config.yaml:6 gateway.platforms.tg.allowed_users: expected a list of strings, got a number']],
    ['invalid YAML', ['gateway:', '  port: 8321', ' host: x'], {},
      ['config.yaml:3: invalid YAML: All mapping items must start at the same column']],
    ['a duplicate key', ['theme: dark', 'theme: light'], {},
      ['config.yaml:2: invalid YAML: Map keys must be unique']],
    ['a template syntax error', ['gateway:', '  api_key: "{{ env.CLIVER_API_KEY "'], {},
      ['config.yaml:2 gateway.api_key: invalid template: expected variable end']],
    ['providers written as a list', ['providers: [openai]'], {},
      ['config.yaml:1 providers: expected a map, got a list']],
    ['a file that is a list', ['- gateway'], {}, ['config.yaml:1: expected a map, got a list']],
    ['lease_ttl_seconds out of range', ['gateway:', '  lease_ttl_seconds: 100'], {},
      ['config.yaml:2 gateway.lease_ttl_seconds: expected a number from 2 to 60, got 100']],
    ['an internal address without a port', ['gateway:', '  internal:', '    agent_core: localhost'], {},
      ['config.yaml:3 gateway.internal.agent_core: expected host:port such as "127.0.0.1:8331", got "localhost"']],
    ['a model entry with a bad context_window',
      ['providers:', '  openai:', '    api_url: https://api.openai.com/v1', '    models:', '      - name: gpt-4o', '        context_window: big'], {},
      ['config.yaml:6 providers.openai.models[0].context_window: expected a positive integer, got "big"']],
    ['an api_url that is not a URL', ['providers:', '  openai:', '    api_url: api.openai.com'], {},
      ['config.yaml:3 providers.openai.api_url: expected a URL such as "https://api.openai.com/v1", got "api.openai.com"']],
    ['keyring() in a required field',
      ['gateway:', '  platforms:', '    tg:', '      type: telegram', `      token: "{{ keyring('cliver', 'tg') }}"`], {},
      ['config.yaml:5 gateway.platforms.tg.token: keyring() is not supported; put the secret in an environment variable and write "{{ env.NAME }}" instead']],
    ['a bad CLIVER_GATEWAY_PORT override', ['gateway:', '  port: 8321'], { CLIVER_GATEWAY_PORT: 'abc' },
      ['config.yaml gateway.port: expected a number from 1 to 65535, got "abc" (from environment variable CLIVER_GATEWAY_PORT)']],
    ['a bad CLIVER_SCHEDULER_ADDR override', [], { CLIVER_SCHEDULER_ADDR: 'scheduler' },
      ['config.yaml gateway.internal.scheduler: expected host:port such as "127.0.0.1:8331", got "scheduler" (from environment variable CLIVER_SCHEDULER_ADDR)']],
  ])('%s', (_title, lines, env, expected) => {
    expect(problemsOf(writeConfig(lines), env)).toEqual(expected);
  });

  it('reports several problems at once, in file order', () => {
    const file = writeConfig([
      'timezone: Nowhere/City',
      'gateway:',
      '  port: eighty',
      '  platforms:',
      '    tg:',
      '      type: telegram',
      '      token: "{{ env.TELEGRAM_BOT_TOKEN }}"',
      '      allowed_users: 5',
      'session:',
      '  max_age_days: 0',
    ]);
    expect(problemsOf(file)).toEqual([
      'config.yaml:1 timezone: expected an IANA time zone such as "Asia/Shanghai", got "Nowhere/City"',
      'config.yaml:3 gateway.port: expected a number from 1 to 65535, got "eighty"',
      'config.yaml:7 gateway.platforms.tg.token: environment variable TELEGRAM_BOT_TOKEN is not set',
      'config.yaml:8 gateway.platforms.tg.allowed_users: expected a list of strings, got a number',
      'config.yaml:10 session.max_age_days: expected a positive integer, got 0',
    ]);
  });

  it('reports a missing file with its full path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cliver-config-'));
    dirs.push(dir);
    const file = join(dir, 'config.yaml');
    expect(problemsOf(file)).toEqual([`config.yaml: file not found: ${file}`]);
  });

  it('reports an unreadable path (a folder) as a config error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cliver-config-'));
    dirs.push(dir);
    expect(problemsOf(dir)).toEqual([`${dir.split('/').pop()}: cannot read ${dir} (EISDIR)`]);
  });
});
