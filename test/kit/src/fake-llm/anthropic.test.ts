import Anthropic from '@anthropic-ai/sdk';
import { startFakeLlm, type FakeLlm } from './index';

let fake: FakeLlm;
let client: Anthropic;
const model = 'claude-sonnet-4-6';
const ask = (content: string) => ({ model, max_tokens: 1024, messages: [{ role: 'user' as const, content }] });

beforeAll(async () => {
  fake = await startFakeLlm();
  client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: fake.anthropicBaseUrl, maxRetries: 0 });
});
beforeEach(() => fake.reset());
afterAll(() => fake.close());

test('answers text without streaming, with usage', async () => {
  const msg = await client.messages.create({ ...ask('hello there'), system: 'be brief' });
  expect(msg).toMatchObject({ type: 'message', role: 'assistant', model, stop_reason: 'end_turn', stop_sequence: null });
  expect(msg.content).toEqual([{ type: 'text', text: 'echo: hello there' }]);
  expect(msg.usage).toMatchObject({ input_tokens: 5, output_tokens: 3 });
  // The SDK sends Bearer, not x-api-key; the fake must accept it.
  expect(fake.requests[0].headers.authorization).toBe('Bearer sk-ant-test');
});

test('streams text with the full event sequence and usage', async () => {
  fake.script({ match: { api: 'anthropic' }, reply: { text: 'Hi there friend' } });
  // Raw, because the SDK swallows ping events.
  const res = await fetch(`${fake.anthropicBaseUrl}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
    body: JSON.stringify({ ...ask('x'), stream: true }),
  });
  expect([res.headers.get('content-type'), res.headers.get('cache-control'), res.headers.get('x-accel-buffering')]).toEqual([
    'text/event-stream; charset=utf-8',
    'no-cache',
    'no',
  ]);
  const types = [...(await res.text()).matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
  expect(types).toEqual([
    'message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_delta', 'content_block_delta',
    'content_block_stop', 'message_delta', 'message_stop',
  ]);

  fake.script({ reply: { text: 'Hi there friend' } });
  const stream = client.messages.stream(ask('x'));
  const texts: string[] = [];
  stream.on('text', (t) => texts.push(t));
  const final = await stream.finalMessage();
  expect(texts).toEqual(['Hi ', 'there ', 'friend']);
  expect(final.content).toEqual([{ type: 'text', text: 'Hi there friend' }]);
  expect([final.stop_reason, final.usage.input_tokens, final.usage.output_tokens]).toEqual(['end_turn', 1, 3]);
});

test('returns tool_use blocks without streaming', async () => {
  fake.script({ reply: { text: 'checking', toolCalls: [{ id: 'toolu_1', name: 'search', arguments: { q: 'cats' } }] } });
  const msg = await client.messages.create(ask('find cats'));
  expect(msg.stop_reason).toBe('tool_use');
  expect(msg.content).toEqual([
    { type: 'text', text: 'checking' },
    { type: 'tool_use', id: 'toolu_1', name: 'search', input: { q: 'cats' } },
  ]);
});

test('streams tool input as input_json_delta that the client reassembles', async () => {
  const input = { city: 'Paris', days: [1, 2, 3], units: 'metric' };
  fake.script({ reply: { toolCalls: [{ name: 'weather', arguments: input }, { name: 'clock', arguments: { tz: 'UTC' } }] } });
  const stream = client.messages.stream(ask('weather?'));
  const partials: string[] = [];
  stream.on('inputJson', (partial) => partials.push(partial));
  const final = await stream.finalMessage();
  expect(partials.length).toBeGreaterThan(4);
  expect(final.stop_reason).toBe('tool_use');
  expect(final.content.map((b) => b.type === 'tool_use' && [b.name, b.input])).toEqual([
    ['weather', input],
    ['clock', { tz: 'UTC' }],
  ]);
});

test('the default answers [[tool:NAME {json}]] with tool_use, then quotes the tool_result', async () => {
  const first = await client.messages.create(ask('run [[tool:get_time {"tz":"UTC"}]]'));
  const use = first.content[0];
  expect(use.type === 'tool_use' && [use.name, use.input]).toEqual(['get_time', { tz: 'UTC' }]);
  const next = await client.messages.create({
    model,
    max_tokens: 100,
    messages: [
      { role: 'user', content: 'run [[tool:get_time {"tz":"UTC"}]]' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.type === 'tool_use' ? use.id : '', content: '12:00' }] },
    ],
  });
  expect(next.content).toEqual([{ type: 'text', text: 'tool result: 12:00' }]);
});

test('max_tokens and stop_sequences end the answer with the matching stop_reason', async () => {
  fake.script({ times: 2, reply: { text: 'one two STOP three' } });
  const cut = await client.messages.create({ ...ask('x'), max_tokens: 2 });
  expect([cut.content, cut.stop_reason, cut.usage.output_tokens]).toEqual([[{ type: 'text', text: 'one two ' }], 'max_tokens', 2]);
  const stopped = await client.messages.stream({ ...ask('x'), stop_sequences: ['STOP'] }).finalMessage();
  expect([stopped.content, stopped.stop_reason, stopped.stop_sequence]).toEqual([[{ type: 'text', text: 'one two ' }], 'stop_sequence', 'STOP']);
});

test.each([
  [400, Anthropic.BadRequestError, 'invalid_request_error'],
  [401, Anthropic.AuthenticationError, 'authentication_error'],
  [429, Anthropic.RateLimitError, 'rate_limit_error'],
  [500, Anthropic.InternalServerError, 'api_error'],
  [503, Anthropic.InternalServerError, 'overloaded_error'],
] as const)('a scripted %i reaches the client as its typed error', async (status, ErrorClass, type) => {
  fake.script({ reply: { error: { status, retryAfterS: 3 } } });
  const err = (await client.messages.create(ask('x')).catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
  expect(err).toBeInstanceOf(ErrorClass);
  expect(err.status).toBe(status);
  expect(err.error).toMatchObject({ type: 'error', error: { type } });
  expect(err.headers?.get('retry-after')).toBe('3');
});

test('400 context_length_exceeded has the Anthropic prompt-too-long shape', async () => {
  fake.script({ reply: { error: { status: 400, type: 'context_length_exceeded' } } });
  const err = (await client.messages.create(ask('x')).catch((e: unknown) => e)) as InstanceType<typeof Anthropic.BadRequestError>;
  expect(err.error).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringMatching(/prompt is too long/) } });
});

test('a connection dropped mid-stream makes the client stream throw', async () => {
  fake.script({ reply: { text: 'one two three four', dropAfterChunks: 4 } });
  const stream = client.messages.stream(ask('x'));
  const texts: string[] = [];
  stream.on('text', (t) => texts.push(t));
  await expect(stream.finalMessage()).rejects.toThrow();
  expect(texts).toEqual(['one ']);
});

test('firstTokenDelayMs delays the first event', async () => {
  fake.script({ reply: { text: 'slow start', firstTokenDelayMs: 150 } });
  const started = Date.now();
  const events = await client.messages.create({ ...ask('x'), stream: true });
  let first = -1;
  for await (const _e of events) if (first < 0) first = Date.now() - started;
  expect(first).toBeGreaterThanOrEqual(145);
});

test('accepts x-api-key and rejects a request without any key', async () => {
  const post = (headers: Record<string, string>) =>
    fetch(`${fake.anthropicBaseUrl}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(ask('hi')) });
  const ok = await post({ 'x-api-key': 'k' });
  expect(await ok.json()).toMatchObject({ content: [{ type: 'text', text: 'echo: hi' }] });
  const denied = await post({});
  expect(denied.status).toBe(401);
  expect(await denied.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
});

test('a request missing max_tokens gets a 400 naming the field', async () => {
  const err = await client.messages.create({ model, messages: [{ role: 'user', content: 'x' }] } as never).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Anthropic.BadRequestError);
  expect((err as Error).message).toContain('max_tokens');
});
