import { findModelId, listModelIds } from './models';
import { Config, secretPaths } from './schema';
import { maskSecret } from './secret-tag';

describe('Config defaults', () => {
  it('fills every default from the schema for an empty file', () => {
    const config = Config.parse({});
    expect(config.gateway).toEqual({
      host: '127.0.0.1',
      port: 8321,
      admin_username: 'admin',
      platforms: {},
      internal: {
        agent_core: '127.0.0.1:8331',
        gateway_api: '127.0.0.1:8332',
        adapter_host: '127.0.0.1:8333',
        scheduler: '127.0.0.1:8334',
      },
      lease_ttl_seconds: 8,
      trusted_proxies: ['loopback'],
    });
    expect(config.agent).toEqual({ max_iterations: 20, provider_timeout_seconds: 120, max_parallel_conversations: 4 });
    expect(config.session).toEqual({ max_sessions: 300, max_turns_per_session: 100, max_age_days: 30 });
    expect(config.default_agent_name).toBe('CLIver');
  });

  it('reads the legacy agent_name as default_agent_name', () => {
    expect(Config.parse({ agent_name: 'Bob' }).default_agent_name).toBe('Bob');
    expect(Config.parse({ agent_name: 'Bob', default_agent_name: 'Ann' }).default_agent_name).toBe('Ann');
  });

  it('accepts numeric strings and YAML numbers where templates and users put them', () => {
    const config = Config.parse({
      gateway: { port: '9000', platforms: { tg: { type: 'telegram', token: 't', allowed_users: [123, '456'] } } },
    });
    expect(config.gateway.port).toBe(9000);
    expect(config.gateway.platforms.tg.allowed_users).toEqual(['123', '456']);
  });

  it('keeps the extra keys of a custom adapter', () => {
    const config = Config.parse({ gateway: { platforms: { mine: { type: 'my_pkg.bots.MyAdapter', region: 'eu' } } } });
    expect(config.gateway.platforms.mine).toMatchObject({ type: 'my_pkg.bots.MyAdapter', region: 'eu' });
  });
});

describe('secretPaths', () => {
  it('lists every field tagged secret, with * for map keys', () => {
    expect(secretPaths().sort()).toEqual(
      [
        'gateway.admin_password',
        'gateway.api_key',
        'gateway.platforms.*.app_token',
        'gateway.platforms.*.encrypt_key',
        'gateway.platforms.*.token',
        'gateway.platforms.*.verification_token',
        'mcpServers.*.env.*',
        'mcpServers.*.headers.*',
        'providers.*.api_key',
      ].sort(),
    );
  });
});

describe('maskSecret', () => {
  it('shows the first and last four characters of a long secret', () => {
    expect(maskSecret('sk-abcdefghijklmnop')).toBe('sk-a****mnop');
    expect(maskSecret('123456789')).toBe('1234****6789');
  });

  it('hides a secret of 8 characters or fewer completely', () => {
    expect(maskSecret('12345678')).toBe('****');
    expect(maskSecret('abc')).toBe('****');
    expect(maskSecret('')).toBe('****');
  });
});

describe('model lookup', () => {
  const ids = listModelIds({
    openai: { models: ['gpt-4o', { name: 'gpt-4o-mini' }] },
    azure: { models: ['gpt-4o'] },
    vllm: { models: ['meta-llama/Llama-3-8B'] },
  });

  it('lists ids as provider/name in file order', () => {
    expect(ids).toEqual(['openai/gpt-4o', 'openai/gpt-4o-mini', 'azure/gpt-4o', 'vllm/meta-llama/Llama-3-8B']);
  });

  it('finds an exact id, then a unique short name', () => {
    expect(findModelId(ids, 'azure/gpt-4o')).toEqual({ kind: 'found', id: 'azure/gpt-4o' });
    expect(findModelId(ids, 'gpt-4o-mini')).toEqual({ kind: 'found', id: 'openai/gpt-4o-mini' });
    expect(findModelId(ids, 'meta-llama/Llama-3-8B')).toEqual({ kind: 'found', id: 'vllm/meta-llama/Llama-3-8B' });
  });

  it('reports a short name that several providers have as ambiguous', () => {
    expect(findModelId(ids, 'gpt-4o')).toEqual({ kind: 'ambiguous', ids: ['openai/gpt-4o', 'azure/gpt-4o'] });
    expect(findModelId(ids, 'gpt-5')).toEqual({ kind: 'not_found' });
  });
});
