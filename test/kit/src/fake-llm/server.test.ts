import OpenAI from 'openai';
import { startFakeLlm, type FakeLlm } from './index';

let fake: FakeLlm;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeLlm();
  client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.openaiBaseUrl, maxRetries: 0 });
});
beforeEach(() => fake.reset());
afterAll(() => fake.close());

const say = async (content: string, model = 'gpt-4o') =>
  (await client.chat.completions.create({ model, messages: [{ role: 'user', content }] })).choices[0].message.content;

const control = (path: string, body?: unknown) =>
  fetch(`${fake.url}/_control/${path}`, body === undefined && path === 'requests' ? {} : { method: 'POST', body: JSON.stringify(body ?? {}) });

test('exposes its addresses', () => {
  expect(fake.url).toBe(`http://127.0.0.1:${fake.port}`);
  expect(fake.openaiBaseUrl).toBe(`${fake.url}/v1`);
  expect(fake.anthropicBaseUrl).toBe(fake.url);
  expect(fake.port).toBeGreaterThan(0);
});

test('rules are used in order, each for `times` requests, then the echo default returns', async () => {
  fake.script({ times: 2, reply: { text: 'first' } });
  fake.script({ reply: { text: 'second' } });
  expect([await say('a'), await say('b'), await say('c'), await say('d')]).toEqual(['first', 'first', 'second', 'echo: d']);
});

test('rules match by model, api and last user text; a rule for always never runs out', async () => {
  fake.script({ match: { model: 'gpt-4o-mini' }, times: Infinity, reply: { text: 'mini' } });
  fake.script({ match: { lastUserIncludes: 'weather' }, reply: { text: 'sunny' } });
  fake.script({ match: { api: 'anthropic' }, reply: { text: 'only for anthropic' } });
  expect(await say('hi', 'gpt-4o-mini')).toBe('mini');
  expect(await say('hi', 'gpt-4o-mini')).toBe('mini');
  expect(await say('hi')).toBe('echo: hi');
  expect(await say('what weather today')).toBe('sunny');
  expect(await say('what weather today')).toBe('echo: what weather today');
});

test('the control API scripts, lists recorded requests and resets over HTTP', async () => {
  expect((await control('script', { match: { model: 'gpt-4o' }, times: -1, reply: { text: 'from control' } })).status).toBe(200);
  expect([await say('a'), await say('b')]).toEqual(['from control', 'from control']);
  const recorded = (await (await control('requests')).json()) as Array<{ api: string; path: string; body: { messages: unknown[] } }>;
  expect(recorded.map((r) => [r.api, r.path, r.body.messages])).toEqual([
    ['openai', '/v1/chat/completions', [{ role: 'user', content: 'a' }]],
    ['openai', '/v1/chat/completions', [{ role: 'user', content: 'b' }]],
  ]);
  expect((await control('reset')).status).toBe(200);
  expect(fake.requests).toEqual([]);
  expect(await say('c')).toBe('echo: c');
});

test('the control API rejects a malformed rule with a message that says what is expected', async () => {
  const res = await control('script', { reply: { error: { status: 418 } } });
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ error: { message: expect.stringContaining('400, 401, 429, 500, 503') } });
  expect((await control('script', { times: 0, reply: { text: 'x' } })).status).toBe(400);
});

test('records requests with api, path, headers, parsed body and time', async () => {
  const before = Date.now();
  await say('record me');
  const [req] = await fake.waitForRequests(1, 1000);
  expect(req).toMatchObject({ api: 'openai', path: '/v1/chat/completions', body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'record me' }] } });
  expect(req.headers.authorization).toBe('Bearer sk-test');
  expect(req.at).toBeGreaterThanOrEqual(before);
  await client.models.list();
  expect(fake.requests.map((r) => r.api)).toEqual(['openai', 'models']);
});

test('waitForRequests waits for requests still to come and fails clearly on timeout', async () => {
  const waiting = fake.waitForRequests(2, 2000);
  await say('one');
  await say('two');
  expect((await waiting).map((r) => (r.body as { messages: Array<{ content: string }> }).messages[0].content)).toEqual(['one', 'two']);
  await expect(fake.waitForRequests(3, 50)).rejects.toThrow(/saw 2 of 3 requests within 50 ms/);
});

test('stop() refuses connections and start() listens again on the same port, keeping the script', async () => {
  const port = fake.port;
  fake.script({ reply: { text: 'after restart' } });
  await fake.stop();
  await expect(say('down')).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
  await fake.start();
  expect(fake.port).toBe(port);
  expect(await say('up')).toBe('after restart');
});

test('stop() cuts a hanging request so the client sees a connection error', async () => {
  fake.script({ reply: { hang: true } });
  const pending = say('hang').catch((e: unknown) => e);
  await fake.waitForRequests(1, 1000);
  await fake.stop();
  expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
  await fake.start();
});

test('answers unknown routes and bad bodies with errors that say what to do', async () => {
  const missing = await fetch(`${fake.url}/v2/nothing`);
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as { error: { message: string } }).error.message).toContain('POST /v1/chat/completions');
  const bad = await fetch(`${fake.openaiBaseUrl}/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: '{"messages":[]}' });
  expect([bad.status, ((await bad.json()) as { error: { param: string } }).error.param]).toEqual([400, 'model']);
});

test('a fake asked for a fixed port listens there; a closed fake cannot start again', async () => {
  const probe = await startFakeLlm();
  const port = probe.port;
  await probe.close();
  const fixed = await startFakeLlm({ port, host: '127.0.0.1' });
  await fixed.close();
  expect(fixed.url).toBe(`http://127.0.0.1:${port}`);
  await expect(fixed.start()).rejects.toThrow(/closed/);
});
