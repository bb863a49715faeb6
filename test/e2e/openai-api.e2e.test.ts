import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { killStartedProcesses, waitFor } from '@cliver/testkit';
import {
  API_KEY,
  MODEL,
  OTHER_MODEL,
  providerBody,
  providerMessages,
  readSseData,
  startOpenAiGateway,
  type OpenAiGateway,
} from './support/openai-gateway';

// The OpenAI-compatible /v1 API of a real gateway (supervisor + four services), driven by the
// official `openai` client; raw fetch only where the client would hide the wire.

jest.setTimeout(120_000);

let gw: OpenAiGateway;
let client: OpenAI;

beforeAll(async () => {
  gw = await startOpenAiGateway();
  client = gw.client;
});

afterAll(async () => {
  await gw?.stop();
  await killStartedProcesses();
});

beforeEach(() => gw.fake.reset());

const ask = (content: string): ChatCompletionMessageParam[] => [{ role: 'user', content }];

/** What the provider got after the agent's own system message (which it always puts first). */
function clientPart(i: number): Array<Record<string, unknown>> {
  const messages = providerMessages(gw.fake, i);
  expect(messages[0]).toMatchObject({ role: 'system', content: expect.stringMatching(/^You are CLIver, a helpful AI assistant\./) });
  return messages.slice(1);
}

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

function textOf(chunks: ChatCompletionChunk[], index = 0): string {
  return chunks.flatMap((c) => c.choices.filter((ch) => ch.index === index).map((ch) => ch.delta.content ?? '')).join('');
}

async function rawStream(body: Record<string, unknown>): Promise<{ res: Response; data: string[]; chunks: Array<Record<string, unknown>> }> {
  const res = await gw.postChat({ model: MODEL, stream: true, ...body });
  const data = await readSseData(res);
  const chunks = data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as Record<string, unknown>);
  return { res, data, chunks };
}

const WEATHER_TOOL: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('GET /v1/models', () => {
  it('lists every configured model as provider/model, owned by cliver', async () => {
    const page = await client.models.list();
    expect(page.data).toEqual([
      { id: MODEL, object: 'model', created: expect.any(Number), owned_by: 'cliver' },
      { id: OTHER_MODEL, object: 'model', created: expect.any(Number), owned_by: 'cliver' },
    ]);
    const raw = (await (await gw.request('GET', '/v1/models')).json()) as { object: string };
    expect(raw.object).toBe('list');
  });

  it('retrieves one model by an id that contains a slash', async () => {
    expect(await client.models.retrieve(MODEL)).toEqual({ id: MODEL, object: 'model', created: expect.any(Number), owned_by: 'cliver' });
    const raw = await gw.request('GET', `/v1/models/${OTHER_MODEL}`);
    expect(raw.status).toBe(200);
    expect(await raw.json()).toMatchObject({ id: OTHER_MODEL, owned_by: 'cliver' });
  });

  it('retrieves a model by the short name chat accepts for it, answering with its full id', async () => {
    expect(await client.models.retrieve('gpt-test')).toEqual({ id: MODEL, object: 'model', created: expect.any(Number), owned_by: 'cliver' });
    const raw = await gw.request('GET', '/v1/models/gpt-4o-mini');
    expect(raw.status).toBe(200);
    expect(await raw.json()).toMatchObject({ id: OTHER_MODEL });
  });

  it('answers 404 model_not_found for an unknown model id', async () => {
    const err = await client.models.retrieve('fake/nope').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).error).toEqual({
      message: "The model 'fake/nope' does not exist",
      type: 'invalid_request_error',
      param: 'model',
      code: 'model_not_found',
    });
  });
});

describe('POST /v1/chat/completions without streaming', () => {
  it('answers with the provider text, a chatcmpl id and consistent usage', async () => {
    gw.fake.script({ reply: { text: 'Paris is the capital of France.' } });
    const res = await client.chat.completions.create({ model: MODEL, messages: ask('Capital of France?') });
    expect(res.id).toMatch(/^chatcmpl-\S+$/);
    expect(res.object).toBe('chat.completion');
    expect(res.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: 'Paris is the capital of France.', refusal: null }, logprobs: null, finish_reason: 'stop' },
    ]);
    const { prompt_tokens, completion_tokens, total_tokens } = res.usage!;
    expect(prompt_tokens).toBeGreaterThan(0);
    // The fake counts one token per word (with its trailing space): six.
    expect(completion_tokens).toBe(6);
    expect(total_tokens).toBe(prompt_tokens + completion_tokens);
  });

  it('resolves a short model name to the configured provider model and names it in the answer', async () => {
    const plain = await client.chat.completions.create({ model: 'gpt-test', messages: ask('short name') });
    const streamed = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('other short name'), stream: true });
    const chunkModels = new Set<string>();
    for await (const chunk of streamed) chunkModels.add(chunk.model);
    expect(gw.fake.requests.map((r) => (r.body as { model: string }).model)).toEqual(['gpt-test', 'gpt-4o-mini']);
    expect(plain.model).toBe('fake/gpt-test');
    expect([...chunkModels]).toEqual(['fake/gpt-4o-mini']);
  });

  it('returns n choices when n=2', async () => {
    gw.fake.script({ reply: { text: 'twice the same' } });
    const res = await client.chat.completions.create({ model: MODEL, n: 2, messages: ask('say it twice') });
    expect(res.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'twice the same', 'stop'],
      [1, 'twice the same', 'stop'],
    ]);
    expect(providerBody(gw.fake, 0).n).toBe(2);
  });
});

describe('POST /v1/chat/completions with streaming', () => {
  const TEXT = 'The quick brown fox jumps over the lazy dog.';

  it('streams chunks that assemble to the same text as the non-streaming answer', async () => {
    gw.fake.script({ times: 2, reply: { text: TEXT } });
    const whole = await client.chat.completions.create({ model: MODEL, messages: ask('fox') });
    const chunks = await collect(await client.chat.completions.create({ model: MODEL, stream: true, messages: ask('fox') }));
    expect(textOf(chunks)).toBe(whole.choices[0]!.message.content);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const withChoices = chunks.filter((c) => c.choices.length > 0);
    expect(withChoices.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(withChoices.slice(0, -1).every((c) => c.choices[0]!.finish_reason === null)).toBe(true);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks[0]!.id).toMatch(/^chatcmpl-/);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
  });

  it('ends the raw SSE with data: [DONE]', async () => {
    gw.fake.script({ reply: { text: TEXT } });
    const { res, data } = await rawStream({ messages: ask('fox') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(data.at(-1)).toBe('[DONE]');
    expect(data.filter((d) => d === '[DONE]')).toHaveLength(1);
    expect(() => data.slice(0, -1).map((d) => JSON.parse(d) as unknown)).not.toThrow();
  });

  it('with include_usage sends exactly one usage chunk with no choices, and usage: null on every other', async () => {
    gw.fake.script({ reply: { text: TEXT } });
    const { chunks } = await rawStream({ stream_options: { include_usage: true }, messages: ask('fox') });
    const usageChunks = chunks.filter((c) => c.usage !== null);
    expect(usageChunks).toHaveLength(1);
    expect(usageChunks[0]).toBe(chunks.at(-1));
    expect(usageChunks[0]!.choices).toEqual([]);
    const usage = usageChunks[0]!.usage as { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    expect(usage.completion_tokens).toBe(9);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    const others = chunks.slice(0, -1);
    expect(others.length).toBeGreaterThan(2);
    expect(others.every((c) => 'usage' in c && c.usage === null && (c.choices as unknown[]).length === 1)).toBe(true);
  });

  it('without include_usage has no usage key in any chunk', async () => {
    gw.fake.script({ reply: { text: TEXT } });
    const { chunks } = await rawStream({ messages: ask('fox') });
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.filter((c) => 'usage' in c)).toEqual([]);
  });

  it('streams two choices when n=2, each with its role, text and finish', async () => {
    gw.fake.script({ reply: { text: 'both of us' } });
    const chunks = await collect(await client.chat.completions.create({ model: MODEL, n: 2, stream: true, messages: ask('two') }));
    for (const index of [0, 1]) {
      const mine = chunks.flatMap((c) => c.choices.filter((ch) => ch.index === index));
      expect(mine[0]!.delta.role).toBe('assistant');
      expect(textOf(chunks, index)).toBe('both of us');
      expect(mine.filter((ch) => ch.finish_reason !== null).map((ch) => ch.finish_reason)).toEqual(['stop']);
      expect(mine.at(-1)!.finish_reason).toBe('stop');
    }
  });
});

describe('sampling options', () => {
  it('max_tokens ends with finish_reason length and the text cut exactly where the provider cut it', async () => {
    gw.fake.script({ times: 2, reply: { text: 'alpha beta gamma delta epsilon' } });
    const whole = await client.chat.completions.create({ model: MODEL, max_tokens: 3, messages: ask('greek') });
    expect(whole.choices[0]).toMatchObject({ message: { content: 'alpha beta gamma ' }, finish_reason: 'length' });
    const chunks = await collect(await client.chat.completions.create({ model: MODEL, max_tokens: 3, stream: true, messages: ask('greek') }));
    expect(textOf(chunks)).toBe('alpha beta gamma ');
    expect(chunks.filter((c) => c.choices[0]?.finish_reason).map((c) => c.choices[0]!.finish_reason)).toEqual(['length']);
    expect(gw.fake.requests.map((r) => (r.body as { max_tokens?: number }).max_tokens)).toEqual([3, 3]);
  });

  it('passes stop sequences through to the provider', async () => {
    gw.fake.script({ reply: { text: 'red green STOP blue' } });
    const res = await client.chat.completions.create({ model: MODEL, stop: ['STOP', '###'], messages: ask('colours') });
    expect(res.choices[0]).toMatchObject({ message: { content: 'red green ' }, finish_reason: 'stop' });
    expect(providerBody(gw.fake, 0).stop).toEqual(['STOP', '###']);
  });

  it('passes temperature, top_p, seed, penalties, response_format and user to the provider', async () => {
    const responseFormat = {
      type: 'json_schema' as const,
      json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } }, strict: true },
    };
    await client.chat.completions.create({
      model: MODEL,
      temperature: 0.3,
      top_p: 0.9,
      seed: 42,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      response_format: responseFormat,
      user: `sampling-${randomUUID()}`,
      messages: ask('options'),
    });
    const body = providerBody(gw.fake, 0);
    expect(body).toMatchObject({ temperature: 0.3, top_p: 0.9, seed: 42, presence_penalty: 0.5, frequency_penalty: -0.5, response_format: responseFormat });
    expect(body.user).toMatch(/^sampling-/);
  });
});

describe('client tools', () => {
  it('returns the provider tool calls unchanged, with content null and finish_reason tool_calls', async () => {
    gw.fake.script({ reply: { toolCalls: [{ id: 'call_w42', name: 'get_weather', arguments: { city: 'Paris' } }] } });
    const res = await client.chat.completions.create({ model: MODEL, tools: [WEATHER_TOOL], tool_choice: 'auto', messages: ask('Weather in Paris?') });
    expect(res.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [{ id: 'call_w42', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    });
    const body = providerBody(gw.fake, 0) as { tools: Array<{ function: { name: string; parameters: unknown } }>; tool_choice: unknown };
    // Only the caller's tools are offered: the agent's own tools stay out of a client-tools request.
    expect(body.tools.map((t) => t.function.name)).toEqual(['get_weather']);
    expect(body.tools[0]!.function.parameters).toEqual(WEATHER_TOOL.function.parameters);
    expect(body.tool_choice).toBe('auto');
  });

  it('streams tool-call deltas by index that the client reassembles', async () => {
    const longArgs = { city: 'Saint-Martin-de-Belleville', units: 'metric', days: 3 };
    gw.fake.script({
      reply: {
        toolCalls: [
          { id: 'call_a1', name: 'get_weather', arguments: longArgs },
          { id: 'call_b2', name: 'get_weather', arguments: { city: 'Oslo' } },
        ],
      },
    });
    const stream = client.chat.completions.stream({ model: MODEL, tools: [WEATHER_TOOL], messages: ask('Two cities') });
    const chunks = await collect(stream);
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(final.choices[0]!.message.tool_calls).toEqual([
      { id: 'call_a1', type: 'function', function: { name: 'get_weather', arguments: JSON.stringify(longArgs) } },
      { id: 'call_b2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
    ]);
    const deltas = chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
    expect(deltas.every((d) => typeof d.index === 'number')).toBe(true);
    // The arguments arrive in several pieces, and only the first delta of a call names it.
    expect(deltas.filter((d) => d.index === 0).length).toBeGreaterThan(2);
    expect(deltas.filter((d) => d.id).map((d) => [d.index, d.id, d.function?.name])).toEqual([
      [0, 'call_a1', 'get_weather'],
      [1, 'call_b2', 'get_weather'],
    ]);
  });

  it('sends the assistant tool call and the tool result back to the provider in order', async () => {
    gw.fake.script({ reply: { toolCalls: [{ id: 'call_w42', name: 'get_weather', arguments: { city: 'Paris' } }] } });
    const first = await client.chat.completions.create({ model: MODEL, tools: [WEATHER_TOOL], messages: ask('Weather in Paris?') });
    const call = first.choices[0]!.message.tool_calls![0]!;
    const second = await client.chat.completions.create({
      model: MODEL,
      tools: [WEATHER_TOOL],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '18°C and sunny' },
      ],
    });
    expect(second.choices[0]!.message.content).toBe('tool result: 18°C and sunny');
    expect(clientPart(1)).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_w42', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_w42', content: '18°C and sunny' },
    ]);
  });
});

describe('messages reach the provider', () => {
  it('passes images as content parts', async () => {
    const content = [
      { type: 'text' as const, text: 'What is in this picture?' },
      { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', detail: 'low' as const } },
      { type: 'image_url' as const, image_url: { url: 'https://example.invalid/cat.jpg' } },
    ];
    const res = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content }] });
    expect(res.choices[0]!.message.content).toBe('echo: What is in this picture?');
    expect(clientPart(0)).toEqual([{ role: 'user', content }]);
  });

  it('passes system and developer messages in order, ahead of the user message', async () => {
    await client.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'developer', content: 'Answer in French.' },
        { role: 'user', content: 'Hello' },
      ],
    });
    expect(clientPart(0).map((m) => m.content)).toEqual(['Be terse.', 'Answer in French.', 'Hello']);
    expect(clientPart(0).at(-1)!.role).toBe('user');
  });

  it('keeps the order of a multi-turn conversation', async () => {
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: 'You count.' },
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'two' },
      { role: 'user', content: 'three' },
      { role: 'assistant', content: 'four' },
      { role: 'user', content: 'five' },
    ];
    const res = await client.chat.completions.create({ model: MODEL, messages });
    expect(res.choices[0]!.message.content).toBe('echo: five');
    expect(clientPart(0)).toEqual(messages);
  });
});

describe('many requests at once', () => {
  it('gives each of 40 concurrent requests, streamed and not, its own answer', async () => {
    const words = Array.from({ length: 40 }, (_, i) => `request-${i}-${randomUUID()}`);
    const answers = await Promise.all(
      words.map(async (w, i) => {
        if (i % 2) return (await client.chat.completions.create({ model: MODEL, messages: ask(w) })).choices[0]!.message.content;
        return textOf(await collect(await client.chat.completions.create({ model: MODEL, stream: true, messages: ask(w) })));
      }),
    );
    expect(answers).toEqual(words.map((w) => `echo: ${w}`));
  });

  it('answers a request whose max_tokens no int32 holds with its own 400, and the 20 requests beside it with their answers', async () => {
    const words = Array.from({ length: 20 }, (_, i) => `beside-${i}-${randomUUID()}`);
    const good = words.map((w) => client.chat.completions.create({ model: MODEL, messages: ask(w) }));
    const poisoned = client.chat.completions.create({ model: MODEL, max_tokens: 2 ** 31, messages: ask('poison') });
    const [refused, ...answers] = await Promise.allSettled([poisoned, ...good]);
    expect(refused!.status).toBe('rejected');
    const err = (refused as PromiseRejectedResult).reason as InstanceType<typeof OpenAI.BadRequestError>;
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.error).toEqual({ message: 'max_tokens: expected a number from 1 to 2147483647, got 2147483648', type: 'invalid_request_error', param: 'max_tokens', code: null });
    expect(answers.map((a) => (a.status === 'fulfilled' ? a.value.choices[0]!.message.content : a.reason))).toEqual(words.map((w) => `echo: ${w}`));
  });

  it('passes a conversation of over 256 KB whole, beside small requests', async () => {
    const big = `start ${'x'.repeat(300 * 1024)} end`;
    const [large, small] = await Promise.all([
      client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: big }, { role: 'assistant', content: 'noted' }, { role: 'user', content: 'size?' }] }),
      client.chat.completions.create({ model: MODEL, messages: ask('small one') }),
    ]);
    expect(large.choices[0]!.message.content).toBe('echo: size?');
    expect(small.choices[0]!.message.content).toBe('echo: small one');
    const sent = gw.fake.requests.map((_, i) => clientPart(i)).find((m) => m.length === 3);
    expect(sent?.[0]).toEqual({ role: 'user', content: big });
  });
});

describe('sessions', () => {
  it('continues a stored session named by X-Cliver-Session and reports its id', async () => {
    const headers = { 'X-Cliver-Session': `trip-${randomUUID()}` };
    const first = await client.chat.completions.create({ model: MODEL, messages: ask('first question') }, { headers }).withResponse();
    const sessionId = first.response.headers.get('x-cliver-session-id');
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.data.choices[0]!.message.content).toBe('echo: first question');

    // The client sends the whole conversation again; the history must not be doubled.
    const second = await client.chat.completions
      .create(
        {
          model: MODEL,
          stream: true,
          messages: [
            { role: 'user', content: 'first question' },
            { role: 'assistant', content: 'echo: first question' },
            { role: 'user', content: 'second question' },
          ],
        },
        { headers },
      )
      .withResponse();
    expect(second.response.headers.get('x-cliver-session-id')).toBe(sessionId);
    expect(textOf(await collect(second.data))).toBe('echo: second question');
    expect(clientPart(1)).toEqual([
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'echo: first question' },
      { role: 'user', content: 'second question' },
    ]);
  });

  it('continues a stored session named by the user field', async () => {
    const user = `user-${randomUUID()}`;
    const first = await client.chat.completions.create({ model: MODEL, user, messages: ask('my name is Ada') }).withResponse();
    const second = await client.chat.completions.create({ model: MODEL, user, messages: ask('what is my name?') }).withResponse();
    expect(first.response.headers.get('x-cliver-session-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.response.headers.get('x-cliver-session-id')).toBe(first.response.headers.get('x-cliver-session-id'));
    expect(clientPart(1)).toEqual([
      { role: 'user', content: 'my name is Ada' },
      { role: 'assistant', content: 'echo: my name is Ada' },
      { role: 'user', content: 'what is my name?' },
    ]);
  });

  it('completes a client-tool round trip inside a session, the tool result following its call', async () => {
    const headers = { 'X-Cliver-Session': `tools-${randomUUID()}` };
    gw.fake.script({ reply: { toolCalls: [{ id: 'call_s7', name: 'get_weather', arguments: { city: 'Oslo' } }] } });
    const first = await client.chat.completions.create({ model: MODEL, tools: [WEATHER_TOOL], messages: ask('Weather in Oslo?') }, { headers });
    const call = first.choices[0]!.message.tool_calls![0]!;
    const second = await client.chat.completions.create(
      {
        model: MODEL,
        tools: [WEATHER_TOOL],
        messages: [
          { role: 'user', content: 'Weather in Oslo?' },
          { role: 'assistant', content: null, tool_calls: [call] },
          { role: 'tool', tool_call_id: call.id, content: '-3°C and snowing' },
        ],
      },
      { headers },
    );
    expect(second.choices[0]!.message.content).toBe('tool result: -3°C and snowing');
    // A provider refuses a tool message that does not follow the assistant message that called it.
    expect(clientPart(1)).toEqual([
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_s7', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_s7', content: '-3°C and snowing' },
    ]);
  });

  it('stores nothing for a stateless request: the same request twice sends the same messages', async () => {
    const before = await gw.sessionCount();
    const messages = ask(`stateless ${randomUUID()}`);
    const a = await client.chat.completions.create({ model: MODEL, messages }).withResponse();
    const b = await client.chat.completions.create({ model: MODEL, messages }).withResponse();
    expect(a.response.headers.get('x-cliver-session-id')).toBeNull();
    expect(b.response.headers.get('x-cliver-session-id')).toBeNull();
    // The agent's system text carries the time to the minute; mask it so a minute boundary does not matter.
    const masked = (i: number) =>
      providerMessages(gw.fake, i).map((m) => (m.role === 'system' ? { ...m, content: String(m.content).replace(/It is now [^(]*\(/, 'It is now … (') } : m));
    expect(masked(1)).toEqual(masked(0));
    expect(clientPart(1)).toEqual(messages);
    expect(await gw.sessionCount()).toBe(before);
  });
});

describe('provider failures and cancellation', () => {
  const LONG = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');

  it('reports a provider failure mid-stream as an error event, then [DONE]', async () => {
    gw.fake.script({ reply: { text: LONG, dropAfterChunks: 4 } });
    const { res, data } = await rawStream({ messages: ask('drop me') });
    expect(res.status).toBe(200);
    expect(data.at(-1)).toBe('[DONE]');
    const error = JSON.parse(data.at(-2)!) as { error: Record<string, unknown> };
    expect(Object.keys(error)).toEqual(['error']);
    expect(error.error).toEqual({
      message: "provider 'fake' broke off its answer midway",
      type: 'server_error',
      param: null,
      code: 'provider_unreachable',
    });
    // The text that did arrive came first, as ordinary chunks.
    const before = data.slice(0, -2).map((d) => JSON.parse(d) as ChatCompletionChunk);
    expect(textOf(before)).toBe('word0 word1 word2 ');
  });

  it('makes the official client throw when the stream fails midway', async () => {
    gw.fake.script({ reply: { text: LONG, dropAfterChunks: 4 } });
    const stream = await client.chat.completions.create({ model: MODEL, stream: true, messages: ask('drop me') });
    const seen: ChatCompletionChunk[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) seen.push(chunk);
      })(),
    ).rejects.toThrow("provider 'fake' broke off its answer midway");
    expect(textOf(seen)).toBe('word0 word1 word2 ');
  });

  it('answers a provider 429 before the first token with HTTP 429 and Retry-After, after bounded retries', async () => {
    gw.fake.script({ times: 10, reply: { error: { status: 429, retryAfterS: 1 } } });
    const err = await client.chat.completions.create({ model: MODEL, messages: ask('busy?') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.status).toBe(429);
    expect(e.headers?.get('retry-after')).toBe('1');
    expect(e.error).toEqual({
      message: "provider 'fake' is rate limiting requests: Rate limit reached (scripted by fake-llm).",
      type: 'rate_limit_error',
      param: null,
      code: 'provider_rate_limited',
    });
    // The agent tried a bounded number of times (3), not until the script ran out.
    expect(gw.fake.requests).toHaveLength(3);
  });

  it('answers a streaming request whose provider is rate limited, before the stream opened, with a JSON 429, not an event stream', async () => {
    // A wait longer than agent-core retries for fails the turn at once: long before the gateway
    // opens a silent stream for keep-alives (retries that outlast that end inside the stream).
    gw.fake.script({ times: 10, reply: { error: { status: 429, retryAfterS: 30 } } });
    const res = await gw.postChat({ model: MODEL, stream: true, messages: ask('busy?') });
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('provider_rate_limited');
  });

  it('sends Retry-After with a 429 even when the provider gave none', async () => {
    gw.fake.script({ times: 10, reply: { error: { status: 429 } } });
    const res = await gw.postChat({ model: MODEL, messages: ask('busy, no hint?') });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
  });

  it.each([500, 503] as const)('answers a provider %i with 503 server_error within 30 s', async (status) => {
    gw.fake.script({ times: 10, reply: { error: { status } } });
    const started = Date.now();
    const err = await client.chat.completions.create({ model: MODEL, messages: ask('down?') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    const e = err as InstanceType<typeof OpenAI.InternalServerError>;
    expect(e.status).toBe(503);
    expect(e.error).toEqual({
      message: expect.stringMatching(new RegExp(`^provider 'fake' failed \\(HTTP ${status}\\): `)),
      type: 'server_error',
      param: null,
      code: 'provider_unavailable',
    });
  });

  it('streams each token as the provider sends it, not when the answer is complete', async () => {
    // Ten tokens at ten a second: buffered anywhere, they would all arrive together at the end.
    gw.fake.script({ reply: { text: Array.from({ length: 10 }, (_, i) => `t${i}`).join(' '), tokensPerSecond: 10 } });
    const stream = await client.chat.completions.create({ model: MODEL, stream: true, messages: ask('paced') });
    const arrivals: number[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) arrivals.push(Date.now());
    expect(arrivals.length).toBeGreaterThanOrEqual(5);
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(500);
  });

  it('sends the headers and keep-alive comments of a stream whose provider has not answered yet', async () => {
    gw.fake.script({ reply: { hang: true } });
    const controller = new AbortController();
    const res = await fetch(`${gw.home.url}/v1/chat/completions`, {
      method: 'POST',
      signal: controller.signal,
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, stream: true, messages: ask('anyone there?') }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const first = await res.body!.getReader().read();
    expect(new TextDecoder().decode(first.value)).toBe(': keep-alive\n\n');
    // The provider still has not answered: the comment came from the gateway.
    expect(gw.fake.requests).toHaveLength(1);
    controller.abort();
  });

  it('streams the answer of a provider slow to its first token after keep-alive comments', async () => {
    gw.fake.script({ reply: { text: 'worth the wait', firstTokenDelayMs: 4_000 } });
    const res = await gw.postChat({ model: MODEL, stream: true, messages: ask('slow start') });
    const body = await res.text();
    expect(res.status).toBe(200);
    expect(body.startsWith(': keep-alive\n\n')).toBe(true);
    const data = body.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
    expect(data.at(-1)).toBe('[DONE]');
    expect(textOf(data.slice(0, -1).map((d) => JSON.parse(d) as ChatCompletionChunk))).toBe('worth the wait');
  });

  it('reports a provider failure after the keep-alives opened the stream as an error chunk, then [DONE]', async () => {
    gw.fake.script({ times: 10, reply: { error: { status: 401 }, firstTokenDelayMs: 4_000 } });
    const res = await gw.postChat({ model: MODEL, stream: true, messages: ask('slow failure') });
    const body = await res.text();
    expect(res.status).toBe(200);
    expect(body.startsWith(': keep-alive\n\n')).toBe(true);
    const data = body.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
    expect(data).toHaveLength(2);
    expect(data[1]).toBe('[DONE]');
    expect(JSON.parse(data[0]!)).toEqual({ error: { message: expect.any(String), type: 'server_error', param: null, code: 'provider_auth_failed' } });
  });

  it('cancels the provider request when the client aborts mid-stream', async () => {
    gw.fake.script({ reply: { text: LONG, tokensPerSecond: 10 } });
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model: MODEL, stream: true, messages: ask('slow') }, { signal: controller.signal });
    let received = '';
    // The SDK ends the loop quietly on an abort (it throws nothing, so a check in a catch would
    // never run): what proves the abort ended it is that the text stops short of its end.
    for await (const chunk of stream) {
      received += chunk.choices[0]?.delta.content ?? '';
      if (received.includes('word1')) controller.abort();
    }
    expect(controller.signal.aborted).toBe(true);
    expect(received).toMatch(/^word0 word1 /);
    expect(received).not.toContain('word59');
    await waitFor(() => gw.fake.requests[0]?.clientAborted === true, { timeoutMs: 10_000, what: 'the fake LLM to see its request cancelled' });
    expect(gw.fake.requests).toHaveLength(1);
  });
});
