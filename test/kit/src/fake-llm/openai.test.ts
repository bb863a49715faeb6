import OpenAI, { toFile } from 'openai';
import { startFakeLlm, type FakeLlm } from './index';

let fake: FakeLlm;
let client: OpenAI;
const model = 'gpt-4o-mini';
const ask = (content: string) => [{ role: 'user' as const, content }];

beforeAll(async () => {
  fake = await startFakeLlm();
  client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.openaiBaseUrl, maxRetries: 0 });
});
beforeEach(() => fake.reset());
afterAll(() => fake.close());

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

test('answers with an echo of the last user message, with usage', async () => {
  const res = await client.chat.completions.create({ model, messages: [{ role: 'system', content: 'be brief' }, ...ask('hello there')] });
  expect(res.object).toBe('chat.completion');
  expect(res.choices[0].message).toMatchObject({ role: 'assistant', content: 'echo: hello there' });
  expect(res.choices[0].finish_reason).toBe('stop');
  expect(res.usage).toEqual({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
});

test('streams a scripted text as chunks followed by [DONE]', async () => {
  fake.script({ match: { model }, reply: { text: 'one two three four' } });
  const chunks = await collect(await client.chat.completions.create({ model, messages: ask('x'), stream: true }));
  expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
  expect(chunks[0].choices[0].delta.role).toBe('assistant');
  expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('one two three four');
  expect(chunks.length).toBeGreaterThan(4);
  expect(chunks[chunks.length - 1].choices[0].finish_reason).toBe('stop');
  expect(chunks.every((c) => c.usage === undefined)).toBe(true);
});

test('returns scripted tool calls without streaming', async () => {
  fake.script({ reply: { text: 'let me look', toolCalls: [{ id: 'call_1', name: 'search', arguments: { q: 'cats' } }, { name: 'noop', arguments: '{}' }] } });
  const res = await client.chat.completions.create({ model, messages: ask('find cats') });
  const msg = res.choices[0].message;
  expect(res.choices[0].finish_reason).toBe('tool_calls');
  expect(msg.content).toBe('let me look');
  expect(msg.tool_calls).toEqual([
    { id: 'call_1', type: 'function', function: { name: 'search', arguments: '{"q":"cats"}' } },
    { id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'noop', arguments: '{}' } },
  ]);
});

test('streams tool-call arguments as deltas that the client reassembles', async () => {
  const args = { city: 'Paris', units: 'metric', days: [1, 2, 3] };
  fake.script({ reply: { toolCalls: [{ name: 'weather', arguments: args }, { name: 'clock', arguments: { tz: 'UTC' } }] } });
  const raw = await collect(await client.chat.completions.create({ model, messages: ask('weather?'), stream: true }));
  const argDeltas = raw.filter((c) => c.choices[0]?.delta.tool_calls?.[0]?.function?.arguments);
  expect(argDeltas.length).toBeGreaterThan(4);
  const first = raw.find((c) => c.choices[0]?.delta.tool_calls)!.choices[0].delta.tool_calls![0];
  expect(first).toMatchObject({ index: 0, id: expect.any(String), type: 'function', function: { name: 'weather' } });

  fake.script({ reply: { toolCalls: [{ name: 'weather', arguments: args }, { name: 'clock', arguments: { tz: 'UTC' } }] } });
  const final = await client.chat.completions.stream({ model, messages: ask('weather?') }).finalChatCompletion();
  const calls = final.choices[0].message.tool_calls!;
  expect(final.choices[0].finish_reason).toBe('tool_calls');
  expect(calls.map((c) => c.type === 'function' && [c.function.name, JSON.parse(c.function.arguments)])).toEqual([
    ['weather', args],
    ['clock', { tz: 'UTC' }],
  ]);
});

test('the default answers [[tool:NAME {json}]] with that tool call, then quotes the tool result', async () => {
  const res = await client.chat.completions.create({ model, messages: ask('please [[tool:get_time {"tz":"UTC"}]]') });
  const call = res.choices[0].message.tool_calls![0];
  expect(call.type === 'function' && [call.function.name, call.function.arguments]).toEqual(['get_time', '{"tz":"UTC"}']);
  const next = await client.chat.completions.create({
    model,
    messages: [...ask('please [[tool:get_time {"tz":"UTC"}]]'), res.choices[0].message, { role: 'tool', tool_call_id: call.id, content: '12:00' }],
  });
  expect(next.choices[0].message.content).toBe('tool result: 12:00');
});

test('include_usage sends usage: null on every chunk and one last chunk with choices: [] and usage', async () => {
  fake.script({ reply: { text: 'a b c' } });
  const chunks = await collect(await client.chat.completions.create({ model, messages: ask('x'), stream: true, stream_options: { include_usage: true } }));
  const last = chunks[chunks.length - 1];
  expect(last.choices).toEqual([]);
  expect(last.usage).toEqual({ prompt_tokens: 1, completion_tokens: 3, total_tokens: 4 });
  expect(chunks.slice(0, -1).every((c) => c.usage === null && c.choices.length === 1)).toBe(true);
});

test('n=2 returns two choices, streamed and not', async () => {
  const res = await client.chat.completions.create({ model, messages: ask('hi'), n: 2 });
  expect(res.choices.map((c) => [c.index, c.message.content])).toEqual([[0, 'echo: hi'], [1, 'echo: hi']]);
  expect(res.usage?.completion_tokens).toBe(4);
  const final = await client.chat.completions.stream({ model, messages: ask('hi'), n: 2 }).finalChatCompletion();
  expect(final.choices.map((c) => c.message.content)).toEqual(['echo: hi', 'echo: hi']);
});

test('max_tokens and max_completion_tokens cut the answer with finish_reason length', async () => {
  fake.script({ times: 2, reply: { text: 'one two three four five' } });
  const res = await client.chat.completions.create({ model, messages: ask('x'), max_tokens: 2 });
  expect([res.choices[0].message.content, res.choices[0].finish_reason, res.usage?.completion_tokens]).toEqual(['one two ', 'length', 2]);
  const final = await client.chat.completions.stream({ model, messages: ask('x'), max_completion_tokens: 3 }).finalChatCompletion();
  expect([final.choices[0].message.content, final.choices[0].finish_reason]).toEqual(['one two three ', 'length']);
});

test('stop sequences end the answer before the sequence', async () => {
  fake.script({ reply: { text: 'alpha beta END gamma' } });
  const res = await client.chat.completions.create({ model, messages: ask('x'), stop: ['zzz', 'END'] });
  expect([res.choices[0].message.content, res.choices[0].finish_reason]).toEqual(['alpha beta ', 'stop']);
});

test.each([
  [400, OpenAI.BadRequestError],
  [401, OpenAI.AuthenticationError],
  [429, OpenAI.RateLimitError],
  [500, OpenAI.InternalServerError],
  [503, OpenAI.InternalServerError],
] as const)('a scripted %i reaches the client as its typed error', async (status, ErrorClass) => {
  fake.script({ reply: { error: { status, message: `boom ${status}` } } });
  const err = await client.chat.completions.create({ model, messages: ask('x') }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ErrorClass);
  expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
  expect((err as Error).message).toContain(`boom ${status}`);
});

test('429 carries retry-after, also for streaming requests', async () => {
  fake.script({ reply: { error: { status: 429, retryAfterS: 7 } } });
  const err = (await client.chat.completions.create({ model, messages: ask('x'), stream: true }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
  expect(err).toBeInstanceOf(OpenAI.RateLimitError);
  expect(err.headers?.get('retry-after')).toBe('7');
});

test('rawBody answers an error page instead of the JSON error object', async () => {
  fake.script({ reply: { error: { status: 500, rawBody: '<html>502 Bad Gateway</html>', retryAfterS: 2 } } });
  const res = await fetch(`${fake.openaiBaseUrl}/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: JSON.stringify({ model, messages: ask('x') }) });
  expect([res.status, res.headers.get('content-type'), res.headers.get('retry-after'), await res.text()]).toEqual([500, 'text/html', '2', '<html>502 Bad Gateway</html>']);
});

test('400 context_length_exceeded has the OpenAI error shape', async () => {
  fake.script({ reply: { error: { status: 400, type: 'context_length_exceeded' } } });
  const err = (await client.chat.completions.create({ model, messages: ask('x') }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
  expect([err.code, err.type, err.param]).toEqual(['context_length_exceeded', 'invalid_request_error', 'messages']);
  expect(err.message).toMatch(/maximum context length/);
});

test('a connection dropped mid-stream makes the client stream throw after the frames sent', async () => {
  fake.script({ reply: { text: 'one two three four five six', dropAfterChunks: 3 } });
  const stream = await client.chat.completions.create({ model, messages: ask('x'), stream: true });
  let received = 0;
  const outcome = await (async () => {
    for await (const _chunk of stream) received += 1;
  })().then(() => 'completed', () => 'threw');
  expect([outcome, received]).toEqual(['threw', 3]);
  const res = await client.chat.completions.create({ model, messages: ask('still alive') });
  expect(res.choices[0].message.content).toBe('echo: still alive');
});

test('firstTokenDelayMs delays the first chunk; tokensPerSecond paces the rest', async () => {
  fake.script({ reply: { text: 'a b c d', firstTokenDelayMs: 150, tokensPerSecond: 50 } });
  const started = Date.now();
  const stream = await client.chat.completions.create({ model, messages: ask('x'), stream: true });
  const times: number[] = [];
  for await (const _chunk of stream) times.push(Date.now() - started);
  expect(times[0]).toBeGreaterThanOrEqual(145);
  expect(times[times.length - 1] - times[0]).toBeGreaterThanOrEqual(4 * 20 - 10);
});

test('hang never answers, so the client times out', async () => {
  fake.script({ reply: { hang: true } });
  const started = Date.now();
  const err = await client.chat.completions.create({ model, messages: ask('x') }, { timeout: 200 }).catch((e: unknown) => e);
  // Under jest the fetch AbortError comes from another realm, so the SDK reports the parent class
  // APIConnectionError rather than APIConnectionTimeoutError; plain Node gives the subclass.
  expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
  expect(Date.now() - started).toBeGreaterThanOrEqual(195);
  expect(fake.requests).toHaveLength(1);
});

test('lists models', async () => {
  const page = await client.models.list();
  expect(page.data.map((m) => m.id)).toContain('gpt-4o-mini');
});

test('transcribes a multipart upload, scripted or with the default text', async () => {
  const file = () => toFile(Buffer.from('RIFF fake wav bytes'), 'note.wav', { type: 'audio/wav' });
  const plain = await client.audio.transcriptions.create({ file: await file(), model: 'whisper-1' });
  expect(plain.text).toBe('transcribed audio');
  fake.script({ match: { api: 'transcription' }, reply: { text: 'hello from audio' } });
  const scripted = await client.audio.transcriptions.create({ file: await file(), model: 'whisper-1' });
  expect(scripted.text).toBe('hello from audio');
  const [req] = fake.requests;
  expect(req.api).toBe('transcription');
  expect(req.body).toEqual({ fields: { model: 'whisper-1' }, files: [{ field: 'file', filename: 'note.wav', contentType: 'audio/wav', size: 19 }] });
});
