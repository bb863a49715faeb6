#!/usr/bin/env node
// npm run demo — the whole gateway with no keys: a temporary home whose only model is the test
// kit's fake LLM, and a Telegram bot on the kit's fake Bot API that scripts/demo-telegram.js
// talks to from the terminal. Ctrl-C stops everything and removes the temporary home.
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { stringify } = require('yaml');
const { startFakeLlm, startFakeTelegram, freePorts, waitFor, CLIVER_BIN } = require('../test/kit/dist/index.js');
const { serveDemoTelegram } = require('./demo-telegram-control');

(async () => {
  const fake = await startFakeLlm();
  const telegram = await startFakeTelegram({ token: '1000:demo' });
  const home = mkdtempSync(join(tmpdir(), 'cliver-demo-'));
  const [http, core, api, adapters, scheduler] = await freePorts(5);
  writeFileSync(
    join(home, 'config.yaml'),
    stringify({
      default_model: 'demo/echo',
      providers: { demo: { type: 'openai', api_url: fake.openaiBaseUrl, api_key: 'demo', models: [{ name: 'echo', context_window: 32768 }] } },
      gateway: {
        host: '127.0.0.1',
        port: http,
        internal: { agent_core: `127.0.0.1:${core}`, gateway_api: `127.0.0.1:${api}`, adapter_host: `127.0.0.1:${adapters}`, scheduler: `127.0.0.1:${scheduler}` },
        platforms: { telegram: { type: 'telegram', token: telegram.token, api_root: telegram.apiRoot } },
      },
    }),
  );
  const env = { ...process.env, CLIVER_CONF_DIR: home };
  const gateway = spawn(process.execPath, [CLIVER_BIN, 'gateway', 'start', '--log-level', 'warn'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${http}`;
  await waitFor(async () => (await fetch(`${url}/health`).catch(() => undefined))?.status === 200, { timeoutMs: 30_000, what: 'the gateway' });
  const control = await serveDemoTelegram(telegram);
  // Every line below runs as printed, in any shell: `cliver` is not on PATH without `npm link`.
  const cli = `CLIVER_CONF_DIR=${home} node ${CLIVER_BIN}`;
  const body = JSON.stringify({ model: 'demo/echo', messages: [{ role: 'user', content: 'hello from curl' }] });
  console.log(`
CLIver Gateway demo is running (no keys: the model is a fake that echoes).
  home:   ${home}
  health: curl ${url}/health
  chat:   ${cli} chat "hello there"
  tools:  ${cli} chat '[[tool:MemoryWrite {"content":"likes tea"}]] remember this'
  status: ${cli} gateway status
  telegram: node ${join(__dirname, 'demo-telegram.js')} ${control.url} "hello bot"
  api:    curl ${url}/v1/chat/completions -H 'content-type: application/json' -d '${body}'
  OpenAI clients: base URL ${url}/v1 with model demo/echo and any API key (the demo listens on loopback only)
Press Ctrl-C to stop.`);
  const stop = async () => {
    gateway.removeListener('exit', died);
    gateway.kill('SIGTERM');
    await new Promise((resolve) => gateway.once('exit', resolve));
    await control.close();
    await telegram.close();
    await fake.close();
    rmSync(home, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const died = (code) => {
    console.error(`the gateway exited (code ${code})`);
    process.exit(1);
  };
  gateway.once('exit', died);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
