#!/usr/bin/env node
// npm run bench:startup — seconds from `cliver gateway start` to /health 200, and the RSS of each
// service after an idle period, printed as a table. Figures, not a test: nothing here asserts.
const { setTimeout: sleep } = require('node:timers/promises');
const { makeTempHome, startGatewayProcess, waitForHealthy, killStartedProcesses } = require('../test/kit/dist/index.js');
const { rssMb, pssMb, pidAt } = require('./support');

const runs = Number(process.env.BENCH_RUNS ?? 3);
const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 30);

async function oneRun(measureRss) {
  const home = await makeTempHome();
  const started = process.hrtime.bigint();
  const supervisor = startGatewayProcess(home);
  await waitForHealthy(home, 60_000);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  let rss;
  if (measureRss) {
    await sleep(idleSeconds * 1000);
    const p = home.ports;
    const addresses = { 'agent-core': p.agentCore, 'gateway-api': p.gatewayApi, 'adapter-host': p.adapterHost, scheduler: p.scheduler };
    rss = {};
    for (const [name, port] of Object.entries(addresses)) {
      const pid = await pidAt(`127.0.0.1:${port}`, home.internalKey());
      rss[name] = { rss: rssMb(pid), pss: pssMb(pid) };
    }
    rss.supervisor = { rss: rssMb(supervisor.pid), pss: pssMb(supervisor.pid) };
  }
  supervisor.kill('SIGTERM');
  await supervisor.waitForExit(15_000);
  home.remove();
  return { seconds, rss };
}

(async () => {
  const times = [];
  let rss;
  for (let i = 0; i < runs; i++) {
    const r = await oneRun(i === runs - 1);
    times.push(r.seconds);
    rss = r.rss ?? rss;
  }
  times.sort((a, b) => a - b);
  const services = Object.entries(rss).filter(([n]) => n !== 'supervisor');
  const four = services.reduce((s, [, v]) => s + v.rss, 0);
  const fourPss = services.reduce((s, [, v]) => s + v.pss, 0);
  const rows = [
    ['start → /health 200, median of ' + runs + ' (s)', times[Math.floor(times.length / 2)].toFixed(2), '<= 1.5'],
    ['start → /health 200, worst (s)', times.at(-1).toFixed(2), ''],
    ...services.map(([n, v]) => [`RSS ${n} after ${idleSeconds} s idle (MB)`, v.rss.toFixed(1), '']),
    [`RSS all four services (MB)`, four.toFixed(1), '< 250'],
    [`PSS all four services (MB; shared pages counted once)`, fourPss.toFixed(1), ''],
    [`RSS supervisor (MB, not one of the four)`, rss.supervisor.rss.toFixed(1), ''],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  console.log(`| ${'figure'.padEnd(w0)} | value  | goal   |`);
  console.log(`| ${'-'.repeat(w0)} | ------ | ------ |`);
  for (const [a, b, c] of rows) console.log(`| ${a.padEnd(w0)} | ${b.padStart(6)} | ${c.padEnd(6)} |`);
})().catch(async (err) => {
  console.error(err);
  await killStartedProcesses();
  process.exit(1);
});
