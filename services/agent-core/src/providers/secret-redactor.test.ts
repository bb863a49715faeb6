import { Config } from '@cliver/common';
import { chainRedactors, configSecrets, noRedaction, redactorOf, secretRedactor } from './secret-redactor';

const config = Config.parse({
  gateway: { api_key: 'gw-key-0123456789', platforms: { telegram: { type: 'telegram', token: '123456:tg-token-abcdef' } } },
  providers: {
    openai: { type: 'openai', api_url: 'https://api.openai.com/v1', api_key: 'sk-live-CANARY-0123456789', models: ['gpt-4o'] },
    local: { type: 'ollama', api_url: 'http://localhost:11434', api_key: '', models: ['llama3'] },
  },
  mcpServers: { gh: { transport: 'stdio', command: 'gh-mcp', env: { GITHUB_TOKEN: 'ghp_abcdefghijkl', SHORT: 'none' } } },
});

test('collects every non-empty value at a secret-tagged path, with its concrete path', () => {
  expect(configSecrets(config)).toEqual(
    expect.arrayContaining([
      { path: 'gateway.api_key', value: 'gw-key-0123456789' },
      { path: 'gateway.platforms.telegram.token', value: '123456:tg-token-abcdef' },
      { path: 'providers.openai.api_key', value: 'sk-live-CANARY-0123456789' },
      { path: 'mcpServers.gh.env.GITHUB_TOKEN', value: 'ghp_abcdefghijkl' },
    ]),
  );
  expect(configSecrets(config).map((s) => s.path)).not.toContain('providers.local.api_key');
});

test('masks each secret with the name of its config key, wherever it appears', () => {
  const redact = secretRedactor(config);
  expect(redact('Incorrect API key provided: sk-live-CANARY-0123456789.')).toBe('Incorrect API key provided: [redacted providers.openai.api_key].');
  expect(redact('token=ghp_abcdefghijkl&x=1, gw-key-0123456789gw-key-0123456789')).toBe(
    'token=[redacted mcpServers.gh.env.GITHUB_TOKEN]&x=1, [redacted gateway.api_key][redacted gateway.api_key]',
  );
});

test('masks the URL-encoded and JSON-escaped forms an upstream may echo', () => {
  const redact = redactorOf([{ path: 'k', value: 'a b"c/d+e=f' }]);
  expect(redact(`sent ${encodeURIComponent('a b"c/d+e=f')} and ${JSON.stringify('a b"c/d+e=f')}`)).toBe('sent [redacted k] and "[redacted k]"');
});

test('masks a short secret only where it stands alone, so ordinary words survive', () => {
  const redact = secretRedactor(config);
  expect(redact('tool_choice none is invalid; nonetheless the key was: none')).toBe(
    'tool_choice [redacted mcpServers.gh.env.SHORT] is invalid; nonetheless the key was: [redacted mcpServers.gh.env.SHORT]',
  );
});

test('masks the longer of two overlapping secrets whole', () => {
  const redact = redactorOf([
    { path: 'short', value: 'sk-abcdefgh' },
    { path: 'long', value: 'sk-abcdefgh-and-more' },
  ]);
  expect(redact('x sk-abcdefgh-and-more y sk-abcdefgh')).toBe('x [redacted long] y [redacted short]');
});

test('leaves text alone when there is nothing to hide', () => {
  expect(redactorOf([])).toBe(noRedaction);
  expect(chainRedactors(noRedaction, noRedaction)('same')).toBe('same');
  const both = chainRedactors(redactorOf([{ path: 'a', value: 'first-secret' }]), redactorOf([{ path: 'b', value: 'second-secret' }]));
  expect(both('first-secret second-secret')).toBe('[redacted a] [redacted b]');
});
