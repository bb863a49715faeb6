#!/usr/bin/env node
// npm run bench:api — what the gateway adds to an OpenAI-compatible request: time through
// gateway-api → agent-core → fake LLM (0 ms) minus time straight to the same fake, for
// non-streaming requests and for stream time-to-first-byte, at concurrency 1 and 50; then the
// same after a 10,000-request soak, with RSS, to show latency and memory stay flat.
const { join } = require('node:path');
const { makeTempHome, startServiceProcess, ManagedProcess, freePort, waitFor, killStartedProcesses, REPO_ROOT } = require('../test/kit/dist/index.js');
const { post, load, table, rssMb, cpuMs, pidAt } = require('./support');

const N = { 1: Number(process.env.BENCH_N_C1 ?? 2000), 50: Number(process.env.BENCH_N_C50 ?? 10000) };
const SOAK = Number(process.env.BENCH_SOAK ?? 10000);
const KEY = 'sk-bench';

const body = (stream) => JSON.stringify({ model: 'gpt-bench', stream, messages: [{ role: 'user', content: 'hello benchmark' }] });


(async () => {
  const llmPort = await freePort();
  const fake = new ManagedProcess('bench-fake-llm', [join(REPO_ROOT, 'test/kit/dist/fake-llm/cli.js'), '--port', String(llmPort)], process.env);
  await waitFor(() => fake.stdout.includes('listening'), { what: 'fake LLM' });
  const llm = `http://127.0.0.1:${llmPort}`;
  const home = await makeTempHome({
    gateway: { api_key: KEY },
    top: { default_model: 'fake/gpt-bench', providers: { fake: { type: 'openai', api_url: `${llm}/v1`, api_key: 'k', models: ['gpt-bench'] } } },
  });
  const core = startServiceProcess(home, 'agent-core', ['--log-level', 'warn']);
  const api = startServiceProcess(home, 'gateway-api', ['--log-level', 'warn']);
  const proxyPort = await freePort();
  const proxy = new ManagedProcess('bench-pass-through', [join(REPO_ROOT, 'bench/pass-through-proxy.js'), '--port', String(proxyPort), '--target', llm], process.env);
  await waitFor(() => proxy.stdout.includes('listening'), { what: 'the pass-through proxy' });
  const auth = { authorization: `Bearer ${KEY}` };
  const viaGateway = (stream) => () => post(home.url, '/v1/chat/completions', body(stream), auth);
  const direct = (stream) => () => post(llm, '/v1/chat/completions', body(stream), { authorization: 'Bearer k' });
  const viaProxy = (stream) => () => post(`http://127.0.0.1:${proxyPort}`, '/v1/chat/completions', body(stream), { authorization: 'Bearer k' });
  await waitFor(() => viaGateway(false)().then(() => true), { timeoutMs: 30_000, what: 'the gateway' });

  const key = home.internalKey();
  const [corePid, apiPid] = [await pidAt(`127.0.0.1:${home.ports.agentCore}`, key), await pidAt(`127.0.0.1:${home.ports.gatewayApi}`, key)];
  const rows = [];
  const cpuRows = [];
  const measure = async (label, through = viaGateway) => {
    for (const c of [1, 50]) {
      for (const stream of [false, true]) {
        await load(c, 300, direct(stream));
        await load(c, 300, through(stream));
        const d = await load(c, N[c], direct(stream));
        const before = [cpuMs(apiPid), cpuMs(corePid)];
        const g = await load(c, N[c], through(stream));
        const perRequest = (i, pid) => ((cpuMs(pid) - before[i]) / N[c]).toFixed(3);
        if (through === viaGateway) cpuRows.push([label, `c=${c} ${stream ? 'stream' : 'non-stream'}`, perRequest(0, apiPid), perRequest(1, corePid)]);
        const pick = stream ? 'ttfb' : 'total';
        const over = (p) => (g[pick][p] - d[pick][p]).toFixed(2);
        rows.push([label, `c=${c} ${stream ? 'stream TTFB' : 'non-stream'}`, over('p50'), over('p95'), over('p99'), g[pick].p50.toFixed(2), d[pick].p50.toFixed(2), g.perSecond.toFixed(0), d.perSecond.toFixed(0)]);
      }
    }
    return { core: rssMb(corePid), api: rssMb(apiPid) };
  };
  const first = await measure('fresh');
  await load(50, SOAK, viaGateway(false));
  const after = await measure(`after +${SOAK}`);
  await measure('bare proxy', viaProxy);
  console.log(table(['run', 'requests', 'overhead p50 ms', 'p95', 'p99', 'gateway p50 ms', 'direct p50 ms', 'gateway req/s', 'direct req/s'], rows));
  console.log();
  console.log(table(['run', 'requests', 'gateway-api CPU ms/request', 'agent-core CPU ms/request'], cpuRows));
  console.log();
  console.log(table(['RSS (MB)', 'gateway-api', 'agent-core'], [['after the first round', first.api.toFixed(1), first.core.toFixed(1)], ['after the soak and second round', after.api.toFixed(1), after.core.toFixed(1)]]));
  console.log('overhead = the percentile through the gateway minus the same percentile straight to the fake LLM (separate runs).');
  console.log('"bare proxy" rows: a one-process Node pass-through to the same fake (bench/pass-through-proxy.js), the least');
  console.log('any gateway can add; its own gateway columns are the proxy\'s figures.');
  console.log('At c=50 both paths are saturated, so latency is queueing (50 in flight / requests per second): the CPU a request');
  console.log('costs each service is the overhead that does not depend on how many requests wait.');
  for (const p of [api, core, fake, proxy]) p.kill('SIGTERM');
  await Promise.all([api, core, fake, proxy].map((p) => p.waitForExit()));
  home.remove();
})().catch(async (err) => {
  console.error(err);
  await killStartedProcesses();
  process.exit(1);
});
