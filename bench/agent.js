#!/usr/bin/env node
// npm run bench:agent — agent-core's own time per turn beyond the LLM's, through the real gRPC
// Chat call, with the fake LLM answering at 0 ms; p50/p99 and turns/s at concurrency 1 and 50.
// Figures, not a test: nothing here asserts.
const { randomUUID } = require('node:crypto');
const OpenAI = require('openai').default;
const { makeTempHome, startServiceProcess, startFakeLlm, waitFor, killStartedProcesses } = require('../test/kit/dist/index.js');
const { agentCoreClients, readStream, ProtoSurface, ChatRequest } = require('../services/common/dist/index.js');
const { load: measure, table } = require('./support');

const TURNS = { 1: Number(process.env.BENCH_TURNS_C1 ?? 1000), 50: Number(process.env.BENCH_TURNS_C50 ?? 5000) };

function chatRequest(surface, stateless) {
  return ChatRequest.fromPartial({ requestId: randomUUID(), surface, stateless, messages: [{ role: 'user', content: 'hello benchmark' }] });
}

(async () => {
  const fake = await startFakeLlm();
  const home = await makeTempHome({
    top: { default_model: 'fake/gpt-bench', providers: { fake: { type: 'openai', api_url: fake.openaiBaseUrl, api_key: 'k', models: ['gpt-bench'] } } },
  });
  const core = startServiceProcess(home, 'agent-core', ['--log-level', 'warn']);
  // agent-core writes the internal key file as it starts; every call carries that key.
  const key = await waitFor(() => { try { return home.internalKey(); } catch { return undefined; } }, { timeoutMs: 30_000, what: 'the internal key' });
  const clients = agentCoreClients(`127.0.0.1:${home.ports.agentCore}`, key);
  const turn = (surface, stateless) => async () => {
    for await (const _ of readStream((md, o) => clients.agent.chat(chatRequest(surface, stateless), md, o))) void _;
  };
  await waitFor(async () => (await turn(ProtoSurface.SURFACE_API, true)().then(() => true)), { timeoutMs: 30_000, what: 'agent-core' });
  const direct = new OpenAI({ apiKey: 'k', baseURL: fake.openaiBaseUrl, maxRetries: 0 });
  const llmOnly = async () => {
    const stream = await direct.chat.completions.create({ model: 'gpt-bench', stream: true, messages: [{ role: 'user', content: 'hello benchmark' }] });
    for await (const _ of stream) void _;
  };
  const rows = [];
  for (const c of [1, 50]) {
    await measure(c, Math.min(200, TURNS[c]), llmOnly); // warm-up
    const base = await measure(c, TURNS[c], llmOnly);
    for (const [label, surface, stateless] of [['stateless (API)', ProtoSurface.SURFACE_API, true], ['stored session (CLI)', ProtoSurface.SURFACE_CLI, false]]) {
      await measure(c, Math.min(200, TURNS[c]), turn(surface, stateless));
      const m = await measure(c, TURNS[c], turn(surface, stateless));
      rows.push([`c=${c} ${label}`, (m.total.p50 - base.total.p50).toFixed(2), m.total.p50.toFixed(2), m.total.p99.toFixed(2), base.total.p50.toFixed(2), base.total.p99.toFixed(2), m.perSecond.toFixed(0)]);
    }
  }
  console.log(table(['turns', 'own p50 ms', 'turn p50 ms', 'turn p99 ms', 'LLM-only p50 ms', 'LLM-only p99 ms', 'turns/s'], rows));
  console.log('own p50 = turn p50 through agent-core minus the p50 of the same request sent straight to the fake LLM');
  console.log('(the p99s are shown side by side: tails of two separate runs do not subtract meaningfully).');
  Object.values(clients).forEach((c) => c.close());
  core.kill('SIGTERM');
  await core.waitForExit();
  await fake.close();
  home.remove();
})().catch(async (err) => {
  console.error(err);
  await killStartedProcesses();
  process.exit(1);
});
