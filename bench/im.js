#!/usr/bin/env node
// npm run bench:im — chat messages through the whole path: the fake Telegram serves an update to
// adapter-host's grammY poll, agent-core records it, runs the turn against the fake LLM (0 ms),
// writes the reply to the outbox, adapter-host posts it with sendMessage. 1,000 messages over 50
// chats (BENCH_IM_N, BENCH_IM_CHATS): messages/s, update-served → sendMessage latency, lost and
// duplicated replies (both must be 0), and RSS of both services before and after. Telegram takes
// about 30 messages/s from one bot (adapter-host paces itself to that), so the burst row shows the
// budget, and the paced row (25 messages/s) the latency a message has while the budget allows.
const { makeTempHome, startFakeLlm, startFakeTelegram, startServiceProcess, waitFor, killStartedProcesses } = require('../test/kit/dist/index.js');
const { table, rssMb } = require('./support');

const N = Number(process.env.BENCH_IM_N ?? 1000);
const CHATS = Number(process.env.BENCH_IM_CHATS ?? 50);
const TOKEN = '424242:bench-im';
const FIRST_CHAT = 100_000;

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function run(tg, count, label, perSecond = Infinity) {
  const sentBefore = tg.sent().length;
  const started = Date.now();
  const injected = [];
  for (let i = 0; i < count; i++) {
    if (Number.isFinite(perSecond)) {
      const due = started + (i * 1000) / perSecond;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    }
    const chatId = FIRST_CHAT + (i % CHATS);
    const text = `${label} message ${i}`;
    tg.injectMessage({ chat: 'dm', from: { id: chatId, first_name: `User ${chatId}` }, text });
    injected.push({ chatId, text });
  }
  const expected = new Set(injected.map((m) => `${m.chatId}|echo: ${m.text}`));
  const answered = () => tg.sent().slice(sentBefore).filter((m) => expected.has(`${m.chat_id}|${m.text}`));
  await waitFor(() => new Set(answered().map((m) => `${m.chat_id}|${m.text}`)).size >= count || undefined, {
    timeoutMs: 60_000 + count * 200,
    intervalMs: 50,
    what: `${count} replies`,
  }).catch(() => undefined);
  const seconds = (Date.now() - started) / 1000;
  const replies = answered();
  const byKey = new Map();
  for (const m of replies) byKey.set(`${m.chat_id}|${m.text}`, (byKey.get(`${m.chat_id}|${m.text}`) ?? 0) + 1);
  const lost = [...expected].filter((k) => !byKey.has(k)).length;
  const duplicated = [...byKey.values()].reduce((n, c) => n + c - 1, 0);
  // Latency from the moment the fake handed the update to the poll until the reply's sendMessage arrived.
  const servedAt = new Map(tg.servedUpdates().map((u) => [`${u.chatId}|echo: ${u.text}`, u.servedAt]));
  const latency = replies.map((m) => m.at - (servedAt.get(`${m.chat_id}|${m.text}`) ?? m.at)).sort((a, b) => a - b);
  return { label, count, seconds, perSecond: (count - lost) / seconds, p50: pct(latency, 50), p99: pct(latency, 99), lost, duplicated };
}

(async () => {
  const llm = await startFakeLlm();
  const tg = await startFakeTelegram({ token: TOKEN });
  const home = await makeTempHome({
    gateway: { platforms: { bench: { type: 'telegram', token: TOKEN, api_root: tg.apiRoot } } },
    top: {
      default_model: 'fake/gpt-bench',
      providers: { fake: { type: 'openai', api_url: llm.openaiBaseUrl, api_key: 'k', models: ['gpt-bench'] } },
      agent: { max_parallel_conversations: 8 },
    },
  });
  const core = startServiceProcess(home, 'agent-core', ['--log-level', 'warn']);
  const adapters = startServiceProcess(home, 'adapter-host', ['--log-level', 'warn']);
  await waitFor(() => tg.calls.some((c) => c.method === 'getUpdates'), { timeoutMs: 30_000, what: 'adapter-host to poll' });

  const warm = await run(tg, Math.min(50, N), 'warm-up');
  const rssBefore = [rssMb(adapters.pid), rssMb(core.pid)];
  const burst = await run(tg, N, 'burst');
  const pace = Number(process.env.BENCH_IM_PACE ?? 25);
  const paced = await run(tg, N, `paced ${pace}/s`, pace);
  const rssAfter = [rssMb(adapters.pid), rssMb(core.pid)];

  const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  console.log(table(
    ['run', 'messages', 'chats', 'messages/s', 'served→sendMessage p50 ms', 'p99 ms', 'lost', 'duplicated'],
    [warm, burst, paced].map((r) => [r.label, r.count, CHATS, f(r.perSecond), f(r.p50), f(r.p99), r.lost, r.duplicated]),
  ));
  console.log('');
  console.log(table(
    ['RSS (MB)', 'adapter-host', 'agent-core'],
    [['after the warm-up', f(rssBefore[0]), f(rssBefore[1])], [`after ${2 * N} more messages`, f(rssAfter[0]), f(rssAfter[1])]],
  ));
  console.log('latency = from the fake handing the update to the poll until the reply\'s sendMessage reached it; it includes');
  console.log('recording, queueing behind the chat\'s earlier messages, the turn (fake LLM at 0 ms) and delivery.');
  await killStartedProcesses();
  await Promise.all([tg.close(), llm.close()]);
  home.remove();
  process.exit([burst, paced].some((r) => r.lost || r.duplicated) ? 1 : 0);
})().catch(async (err) => {
  console.error(err);
  await killStartedProcesses();
  process.exit(1);
});
