import { Writable } from 'node:stream';
import { secretPaths } from '../config';
import { createLogger } from './logger';

function capture() {
  let text = '';
  const destination = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  const log = createLogger({ service: 'test', redactPaths: secretPaths(), destination });
  return { log, output: () => text };
}

const canaryConfig = () => ({
  providers: { openai: { api_key: 'CANARY-provider-key', api_url: 'https://api.example' } },
  gateway: {
    api_key: 'CANARY-api-key',
    admin_password: 'CANARY-admin-password',
    platforms: { tg: { type: 'telegram', token: 'CANARY-bot-token' }, sl: { type: 'slack', token: 'CANARY-xoxb', app_token: 'CANARY-xapp' } },
  },
  mcpServers: { fs: { transport: 'stdio', command: 'x', env: { TOKEN: 'CANARY-mcp-env' }, headers: { Authorization: 'CANARY-mcp-header' } } },
});

describe('the logger hides secrets', () => {
  it('in a config logged whole or under a key', () => {
    const { log, output } = capture();
    log.info(canaryConfig(), 'top level');
    log.info({ config: canaryConfig() }, 'under a key');
    log.flush();
    expect(output().trim().split('\n')).toHaveLength(2);
    expect(output()).not.toContain('CANARY');
    expect(output()).toContain('https://api.example');
  });

  it('in request headers and common secret-looking keys', () => {
    const { log, output } = capture();
    log.info({ req: { headers: { authorization: 'Bearer CANARY-bearer', cookie: 'cliver_session=CANARY-cookie' } } }, 'request');
    log.info({ client: { apiKey: 'CANARY-apikey', secret: 'CANARY-secret', password: 'CANARY-password' } }, 'client');
    log.flush();
    expect(output()).not.toContain('CANARY');
    expect(output()).toContain('"authorization":"****"');
  });
});
