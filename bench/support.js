// What the benchmarks share: a keep-alive HTTP client with no SDK in the loop (so the figures
// measure the servers, not the client), a load loop, tables, and process figures.
const http = require('node:http');
const { readFileSync } = require('node:fs');

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** POSTs JSON; resolves with total time and time to the first body byte (ms). */
function post(url, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    let ttfb;
    const req = http.request(url + path, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.on('data', () => {
        ttfb ??= Number(process.hrtime.bigint() - t0) / 1e6;
      });
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode} from ${path}`));
        resolve({ totalMs: Number(process.hrtime.bigint() - t0) / 1e6, ttfbMs: ttfb ?? 0 });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * Runs `total` calls of `once` with `concurrency` in flight; percentiles of total and TTFB.
 * `once` may report its own timings ({totalMs, ttfbMs}); otherwise the call is timed here.
 */
async function load(concurrency, total, once) {
  const totals = [];
  const ttfbs = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        const t0 = process.hrtime.bigint();
        const r = (await once()) ?? {};
        const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
        totals.push(r.totalMs ?? elapsed);
        ttfbs.push(r.ttfbMs ?? elapsed);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  totals.sort((a, b) => a - b);
  ttfbs.sort((a, b) => a - b);
  const stats = (a) => ({ p50: pct(a, 50), p95: pct(a, 95), p99: pct(a, 99) });
  return { total: stats(totals), ttfb: stats(ttfbs), perSecond: total / seconds };
}

function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => (i ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** Resident set size of a process, in MB, from /proc. */
function rssMb(pid) {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
}

/**
 * Proportional set size in MB: shared pages (the node binary, shared libraries) divided among
 * the processes that map them, so a sum over processes is what they really cost together.
 */
function pssMb(pid) {
  return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))[1]) / 1024;
}

/** CPU time a process has used so far (user + system), in ms; /proc counts in ticks of 10 ms. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The pid of the service answering ServiceInfo at `address` (calls carry the deployment's internal key). */
async function pidAt(address, internalKey) {
  const { call, serviceInfoClient } = require('../services/common/dist/index.js');
  const client = serviceInfoClient(address, internalKey);
  try {
    return (await call(client, client.getServiceInfo, {}, 2000)).info.pid;
  } finally {
    client.close();
  }
}

module.exports = { post, load, table, rssMb, pssMb, cpuMs, pidAt };
