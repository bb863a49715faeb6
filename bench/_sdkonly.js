const OpenAI = require('openai').default;
const { Readable } = require('node:stream');
const payload = JSON.stringify({ id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
const hdr = { get: (n) => (n.toLowerCase() === 'content-type' ? 'application/json' : null), has: () => false, entries: function* () {}, [Symbol.iterator]: function* () {}, forEach() {} };
const fakeFetch = async (url, init) => { JSON.parse(init.body); return { ok: true, status: 200, url, headers: hdr, body: null, json: async () => JSON.parse(payload), text: async () => payload }; };
const c = new OpenAI({ apiKey: 'k', baseURL: 'http://x/v1', maxRetries: 0, logLevel: 'off', fetch: fakeFetch });
const body = require('/tmp/prof/body.json');
(async () => {
  const run = async (n) => { for (let i = 0; i < n; i++) await c.chat.completions.create(body); };
  await run(5000);
  const t = process.cpuUsage(); const N = 20000; await run(N); const u = process.cpuUsage(t);
  console.log('sdk-only cpu ms/call', ((u.user + u.system) / 1000 / N).toFixed(4));
  const t2 = process.cpuUsage(); for (let i = 0; i < N; i++) { const s = JSON.stringify(body); JSON.parse(s); JSON.parse(payload); } const u2 = process.cpuUsage(t2);
  console.log('stringify+parse only ms/call', ((u2.user + u2.system) / 1000 / N).toFixed(4));
})();
