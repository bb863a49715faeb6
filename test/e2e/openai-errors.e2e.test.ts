import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { killStartedProcesses, waitFor } from '@cliver/testkit';
import { API_KEY, MODEL, providerMessages, startOpenAiGateway, type OpenAiGateway } from './support/openai-gateway';

// Every malformed or refused /v1 request, checked on the wire: the exact status and the whole
// OpenAI error object (all four keys, `type` and `param` exactly, the message exactly or by a
// precise pattern). Three gateways: the main one, one whose agent-core is killed, and one for the
// failed-key rate limit, which runs last because it locks the test's address out.

jest.setTimeout(120_000);

afterAll(() => killStartedProcesses());

interface ErrorObject {
  message: string | RegExp;
  type: string;
  param: string | null;
  code: string | null;
}

async function expectError(res: Response, status: number, expected: ErrorObject): Promise<void> {
  const text = await res.text();
  expect({ status: res.status, text }).toEqual({ status, text: expect.any(String) });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(text) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  const { message, ...rest } = expected;
  expect(body.error).toEqual({ ...rest, message: typeof message === 'string' ? message : expect.stringMatching(message) });
}

const invalid = (param: string | null, message: string | RegExp, code: string | null = null): ErrorObject => ({
  message,
  type: 'invalid_request_error',
  param,
  code,
});

const USER = [{ role: 'user', content: 'hi' }];
/** A valid request with `extra` merged in. */
const valid = (extra: Record<string, unknown> = {}) => ({ model: MODEL, messages: USER, ...extra });
const withMessages = (...messages: unknown[]) => valid({ messages });
const WEATHER = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } };
const ASSISTANT_CALLS = {
  role: 'assistant',
  content: null,
  tool_calls: ['call_1', 'call_2'].map((id) => ({ id, type: 'function', function: { name: 'get_weather', arguments: '{}' } })),
};
/** JSON text of objects nested `depth` levels deep, written out (JSON.stringify would overflow the stack). */
const deep = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;

/** [title, body (a string is sent verbatim), expected error] — every one a 400 invalid_request_error. */
const BAD_BODIES: Array<[string, unknown, ErrorObject]> = [
  ['invalid JSON', '{"model": "fake/gpt-test", ', invalid(null, 'We could not parse the JSON body of your request: it is not valid JSON.', 'invalid_json')],
  ['a body that is a JSON array', '[{"model":"fake/gpt-test"}]', invalid(null, 'The request body must be a JSON object.', 'invalid_body')],
  ['a body that is a JSON string', '"hello"', invalid(null, 'The request body must be a JSON object.', 'invalid_body')],
  ['an empty body', '', invalid('model', 'model: is required')],
  ['a missing model', { messages: USER }, invalid('model', 'model: is required')],
  ['a model that is not a string', { model: 5, messages: USER }, invalid('model', 'model: expected a string, got a number')],
  ['an empty model', valid({ model: '' }), invalid('model', 'model: must not be empty')],
  ['missing messages', { model: MODEL }, invalid('messages', 'messages: is required')],
  ['an empty messages list', valid({ messages: [] }), invalid('messages', 'messages: must not be an empty list')],
  ['messages that are not a list', valid({ messages: { role: 'user', content: 'hi' } }), invalid('messages', 'messages: expected a list of maps, got a map')],
  [
    'an unknown role',
    withMessages({ role: 'robot', content: 'hi' }),
    invalid('messages[0].role', 'messages[0].role: expected one of system, developer, user, assistant, tool, got "robot"'),
  ],
  ['a message without a role', withMessages({ content: 'hi' }), invalid('messages[0].role', 'messages[0].role: is required')],
  [
    'user content that is a number',
    withMessages({ role: 'user', content: 42 }),
    invalid('messages[0].content', 'messages[0].content: expected a string or a list of maps, got a number'),
  ],
  [
    'user content that is null',
    withMessages({ role: 'user', content: null }),
    invalid('messages[0].content', 'messages[0].content: expected a string or a list of maps, got an empty value'),
  ],
  [
    'a content part of an unknown type',
    withMessages({ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }),
    invalid('messages[0].content[0].type', 'messages[0].content[0].type: expected one of text, image_url, got "input_audio"'),
  ],
  [
    'a text part without text',
    withMessages({ role: 'user', content: [{ type: 'text' }] }),
    invalid('messages[0].content[0].text', 'messages[0].content[0].text: is required'),
  ],
  [
    'an image_url part without url',
    withMessages({ role: 'user', content: [{ type: 'image_url', image_url: { detail: 'low' } }] }),
    invalid('messages[0].content[0].image_url.url', 'messages[0].content[0].image_url.url: is required'),
  ],
  [
    'an image detail that does not exist',
    withMessages({ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.invalid/a.png', detail: 'ultra' } }] }),
    invalid('messages[0].content[0].image_url.detail', 'messages[0].content[0].image_url.detail: expected one of auto, low, high, got "ultra"'),
  ],
  [
    'an image in a system message',
    withMessages({ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://example.invalid/a.png' } }] }, ...USER),
    invalid('messages[0].content[0].type', 'messages[0].content[0].type: expected "text", got "image_url"'),
  ],
  [
    'an assistant message with neither content nor tool_calls',
    withMessages(...USER, { role: 'assistant' }, { role: 'user', content: 'again' }),
    invalid('messages[1].content', 'messages[1].content: is required unless tool_calls is set'),
  ],
  [
    'an assistant tool call without an id',
    withMessages(...USER, { role: 'assistant', content: null, tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] }),
    invalid('messages[1].tool_calls[0].id', 'messages[1].tool_calls[0].id: is required'),
  ],
  [
    'a tool message without tool_call_id',
    withMessages(...USER, { role: 'tool', content: '18°C' }),
    invalid('messages[1].tool_call_id', 'messages[1].tool_call_id: is required'),
  ],
  ['temperature above 2', valid({ temperature: 2.5 }), invalid('temperature', 'temperature: expected a number from 0 to 2, got 2.5')],
  ['temperature as a string', valid({ temperature: 'hot' }), invalid('temperature', 'temperature: expected a number from 0 to 2, got "hot"')],
  ['top_p of -1', valid({ top_p: -1 }), invalid('top_p', 'top_p: expected a number from 0 to 1, got -1')],
  ['n of 0', valid({ n: 0 }), invalid('n', 'n: expected a number from 1 to 128, got 0')],
  ['n of 1.5', valid({ n: 1.5 }), invalid('n', 'n: expected a whole number from 1 to 128, got 1.5')],
  ['max_tokens of 0', valid({ max_tokens: 0 }), invalid('max_tokens', 'max_tokens: expected a number from 1 to 2147483647, got 0')],
  ['max_tokens as a string', valid({ max_tokens: '5' }), invalid('max_tokens', 'max_tokens: expected a number from 1 to 2147483647, got "5"')],
  // An int32 in gRPC: one more is refused here, not by the encoder of the call other turns share.
  ['max_tokens of 2^31', valid({ max_tokens: 2 ** 31 }), invalid('max_tokens', 'max_tokens: expected a number from 1 to 2147483647, got 2147483648')],
  ['max_tokens of 1e300', valid({ max_tokens: 1e300 }), invalid('max_tokens', /^max_tokens: expected a number from 1 to 2147483647, got 1e\+300$/)],
  ['max_completion_tokens of 0', valid({ max_completion_tokens: 0 }), invalid('max_completion_tokens', 'max_completion_tokens: expected a number from 1 to 2147483647, got 0')],
  [
    'max_completion_tokens of 2^31',
    valid({ max_completion_tokens: 2 ** 31 }),
    invalid('max_completion_tokens', 'max_completion_tokens: expected a number from 1 to 2147483647, got 2147483648'),
  ],
  ['stop with 5 entries', valid({ stop: ['a', 'b', 'c', 'd', 'e'] }), invalid('stop', 'stop: must have at most 4 entries')],
  ['presence_penalty of 3', valid({ presence_penalty: 3 }), invalid('presence_penalty', 'presence_penalty: expected a number from -2 to 2, got 3')],
  ['frequency_penalty of -3', valid({ frequency_penalty: -3 }), invalid('frequency_penalty', 'frequency_penalty: expected a number from -2 to 2, got -3')],
  ['seed of 1.2', valid({ seed: 1.2 }), invalid('seed', 'seed: expected an integer from -9007199254740991 to 9007199254740991, got 1.2')],
  ['seed of 2^53', valid({ seed: 2 ** 53 }), invalid('seed', 'seed: expected an integer from -9007199254740991 to 9007199254740991, got 9007199254740992')],
  ['stream as "yes"', valid({ stream: 'yes' }), invalid('stream', 'stream: expected true or false, got "yes"')],
  ['stream_options without stream', valid({ stream_options: { include_usage: true } }), invalid('stream_options', 'stream_options: is only allowed when stream is true')],
  [
    'an unknown key in stream_options',
    valid({ stream: true, stream_options: { include_usage: true, include_obfuscation: true } }),
    invalid('stream_options.include_obfuscation', 'Unrecognized request argument supplied: stream_options.include_obfuscation'),
  ],
  ['tools that are not a list', valid({ tools: WEATHER }), invalid('tools', 'tools: expected a list of maps, got a map')],
  ['a tool of type retrieval', valid({ tools: [{ type: 'retrieval' }] }), invalid('tools[0].type', 'tools[0].type: expected "function", got "retrieval"')],
  [
    'a tool function name with spaces',
    valid({ tools: [{ type: 'function', function: { name: 'get weather' } }] }),
    invalid('tools[0].function.name', /^tools\[0\]\.function\.name: .*1 to 64 letters, digits, underscores or dashes.*"get weather"/),
  ],
  [
    'tool parameters nested 5,000 deep',
    `{"model":"${MODEL}","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${deep(5000)}}}]}`,
    invalid('tools[0].function.parameters', 'tools[0].function.parameters: must not nest objects or lists more than 64 levels deep'),
  ],
  [
    'tool parameters nested 65 deep',
    valid({ tools: [{ type: 'function', function: { name: 'f', parameters: JSON.parse(deep(65)) as unknown } }] }),
    invalid('tools[0].function.parameters', 'tools[0].function.parameters: must not nest objects or lists more than 64 levels deep'),
  ],
  [
    'a json_schema nested 5,000 deep',
    `{"model":"${MODEL}","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"n","schema":${deep(5000)}}}}`,
    invalid('response_format.json_schema.schema', 'response_format.json_schema.schema: must not nest objects or lists more than 64 levels deep'),
  ],
  [
    'two tools with the same name',
    valid({ tools: [WEATHER, { type: 'function', function: { name: 'get_time' } }, WEATHER] }),
    invalid('tools[2].function.name', 'tools[2].function.name: is "get_weather", which tools[0] already uses; each function needs its own name'),
  ],
  [
    'a tool_choice naming a function not in tools',
    valid({ tools: [WEATHER], tool_choice: { type: 'function', function: { name: 'get_wether' } } }),
    invalid('tool_choice.function.name', 'tool_choice.function.name: expected the name of a function in tools (get_weather), got "get_wether"'),
  ],
  [
    'a tool message that follows no tool call',
    withMessages(...USER, { role: 'assistant', content: 'Let me check.' }, { role: 'tool', tool_call_id: 'call_1', content: '18°C' }),
    invalid('messages[2].role', 'messages[2].role: is "tool", which is only allowed after an assistant message with tool_calls'),
  ],
  [
    'a tool message whose tool_call_id matches no call of the assistant message before it',
    withMessages(...USER, ASSISTANT_CALLS, { role: 'tool', tool_call_id: 'call_1', content: '18°C' }, { role: 'tool', tool_call_id: 'call_9', content: '?' }),
    invalid('messages[3].tool_call_id', 'messages[3].tool_call_id: expected the id of a tool call in the assistant message before it (call_1, call_2), got "call_9"'),
  ],
  [
    'a tool message answering a call of an earlier turn, after a user message',
    withMessages(...USER, ASSISTANT_CALLS, { role: 'tool', tool_call_id: 'call_1', content: '18°C' }, ...USER, { role: 'tool', tool_call_id: 'call_2', content: '?' }),
    invalid('messages[4].role', 'messages[4].role: is "tool", which is only allowed after an assistant message with tool_calls'),
  ],
  ['tool_choice "required" without tools', valid({ tool_choice: 'required' }), invalid('tool_choice', 'tool_choice: is only allowed when tools are specified')],
  [
    'a named tool_choice without tools',
    valid({ tool_choice: { type: 'function', function: { name: 'get_weather' } } }),
    invalid('tool_choice', 'tool_choice: is only allowed when tools are specified'),
  ],
  [
    'response_format of type xml',
    valid({ response_format: { type: 'xml' } }),
    invalid('response_format.type', 'response_format.type: expected one of text, json_object, json_schema, got "xml"'),
  ],
  [
    'a json_schema response_format without a name',
    valid({ response_format: { type: 'json_schema', json_schema: { schema: { type: 'object' } } } }),
    invalid('response_format.json_schema.name', 'response_format.json_schema.name: is required'),
  ],
  ['user longer than 256 characters', valid({ user: 'u'.repeat(257) }), invalid('user', 'user: must be at most 256 characters long')],
  ['an unknown top-level field', valid({ reasoning_effort_level: 'max' }), invalid('reasoning_effort_level', 'Unrecognized request argument supplied: reasoning_effort_level')],
  ['two unknown top-level fields', valid({ foo: 1, bar: 2 }), invalid('foo', 'Unrecognized request argument supplied: foo, bar')],
  [
    'an unknown field in a message',
    withMessages({ role: 'user', content: 'hi', mood: 'cheerful' }),
    invalid('messages[0].mood', 'Unrecognized request argument supplied: messages[0].mood'),
  ],
  ['logprobs true', valid({ logprobs: true }), invalid('logprobs', 'logprobs: expected false, got true')],
  ['store true', valid({ store: true }), invalid('store', 'store: expected false, got true')],
  [
    'messages without any user message',
    withMessages({ role: 'system', content: 'You are terse.' }),
    invalid('messages', 'messages must contain at least one user message', 'no_user_message'),
  ],
];

describe('the main gateway', () => {
  let gw: OpenAiGateway;

  beforeAll(async () => {
    gw = await startOpenAiGateway();
  });

  afterAll(async () => {
    await gw?.stop();
  });

  beforeEach(() => gw.fake.reset());

  describe('400 for a malformed chat completion request', () => {
    it.each(BAD_BODIES)('%s', async (_title, body, expected) => {
      await expectError(await gw.postChat(body), 400, expected);
      // Refused at the edge: the provider never saw it.
      expect(gw.fake.requests).toHaveLength(0);
    });
  });

  it('400 for an X-Cliver-Session header that is too long or not plain ASCII', async () => {
    for (const key of ['x'.repeat(257), 'two words']) {
      const res = await gw.postChat(valid(), { 'x-cliver-session': key });
      await expectError(res, 400, invalid('X-Cliver-Session', 'X-Cliver-Session must be 1 to 256 visible ASCII characters'));
    }
    expect(gw.fake.requests).toHaveLength(0);
  });

  describe('how the body is sent', () => {
    const send = (body: string | Blob, headers: Record<string, string>) =>
      fetch(`${gw.home.url}/v1/chat/completions`, { method: 'POST', body, headers: { authorization: `Bearer ${API_KEY}`, ...headers } });
    const UNSUPPORTED = invalid(null, 'The request body uses an unsupported encoding.', 'unsupported_encoding');

    it('415 for a body that is not declared as JSON, naming the Content-Type it needs', async () => {
      await expectError(
        await send(JSON.stringify(valid()), { 'content-type': 'text/plain' }),
        415,
        invalid(null, 'The request body must be JSON sent with Content-Type: application/json (got "text/plain").', 'unsupported_media_type'),
      );
    });

    it('415 for a POST without Content-Type', async () => {
      const res = await fetch(`${gw.home.url}/v1/chat/completions`, { method: 'POST', body: new Blob([JSON.stringify(valid())]), headers: { authorization: `Bearer ${API_KEY}` } });
      await expectError(res, 415, invalid(null, 'The request body must be JSON sent with Content-Type: application/json (no Content-Type was sent).', 'unsupported_media_type'));
    });

    const BODY = JSON.stringify(valid());
    it.each([
      ['gzip', 'plain JSON', Buffer.from(BODY)],
      ['gzip', 'a gzip stream cut off', gzipSync(BODY).subarray(0, 20)],
      ['deflate', 'plain JSON', Buffer.from(BODY)],
      ['deflate', 'a deflate stream cut off', deflateSync(BODY).subarray(0, 12)],
      ['br', 'plain JSON', Buffer.from(BODY)],
      ['br', 'a brotli stream cut off', brotliCompressSync(BODY).subarray(0, 12)],
    ])('400 for a body declared as %s that is %s', async (encoding, _what, bytes) => {
      const res = await send(new Blob([bytes]), { 'content-type': 'application/json', 'content-encoding': encoding });
      await expectError(res, 400, invalid(null, `The request body is not valid ${encoding} data, or it is cut off, although Content-Encoding says ${encoding}.`, 'invalid_body'));
      expect(gw.fake.requests).toHaveLength(0);
    });

    it('400 for a JSON body in a charset other than UTF-8', async () => {
      await expectError(await send(JSON.stringify(valid()), { 'content-type': 'application/json; charset=latin1' }), 400, UNSUPPORTED);
    });

    it('400 for a Content-Encoding the gateway cannot inflate', async () => {
      await expectError(await send(JSON.stringify(valid()), { 'content-type': 'application/json', 'content-encoding': 'compress' }), 400, UNSUPPORTED);
      expect(gw.fake.requests).toHaveLength(0);
    });

    it('accepts a gzip-compressed body, and a UTF-8 charset parameter', async () => {
      const body = new Blob([gzipSync(JSON.stringify(valid({ messages: [{ role: 'user', content: 'zipped ünïcode' }] })))]);
      const res = await send(body, { 'content-type': 'application/json; charset=UTF-8', 'content-encoding': 'gzip' });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe('echo: zipped ünïcode');
    });
  });

  describe('404', () => {
    const notFound = (model: string) =>
      invalid(
        'model',
        `The model '${model}' does not exist: no configured model is named "${model}" (configured models: fake/gpt-test, fake/gpt-4o-mini)`,
        'model_not_found',
      );

    it('for an unknown model', async () => {
      await expectError(await gw.postChat(valid({ model: 'fake/gpt-99' })), 404, notFound('fake/gpt-99'));
      expect(gw.fake.requests).toHaveLength(0);
    });

    it('for an unknown model in a streaming request, as JSON before any event', async () => {
      await expectError(await gw.postChat(valid({ model: 'nope', stream: true })), 404, notFound('nope'));
    });

    it('for an unknown path under /v1', async () => {
      await expectError(await gw.request('POST', '/v1/nope', { body: '{}', headers: { 'content-type': 'application/json' } }), 404, invalid(null, 'Invalid URL (POST /v1/nope)', 'unknown_url'));
    });

    it('for an unknown path, without its query string in the message', async () => {
      await expectError(await gw.request('GET', '/v1/embeddingz?x=1'), 404, invalid(null, 'Invalid URL (GET /v1/embeddingz)', 'unknown_url'));
    });

    it('for GET on /v1/chat/completions', async () => {
      await expectError(await gw.request('GET', '/v1/chat/completions'), 404, invalid(null, 'Invalid URL (GET /v1/chat/completions)', 'unknown_url'));
    });
  });

  describe('401 for a missing or wrong API key', () => {
    const MISSING = {
      message: "You didn't provide an API key. Send it as 'Authorization: Bearer YOUR_KEY'.",
      type: 'authentication_error',
      param: null,
      code: 'missing_api_key',
    };
    const WRONG = { message: 'Incorrect API key provided.', type: 'authentication_error', param: null, code: 'invalid_api_key' };
    const post = (authorization: string | undefined, body = JSON.stringify(valid())) =>
      fetch(`${gw.home.url}/v1/chat/completions`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
      });

    it('without an Authorization header', async () => {
      await expectError(await post(undefined), 401, MISSING);
    });

    it('with a wrong key', async () => {
      await expectError(await post('Bearer sk-not-the-key'), 401, WRONG);
    });

    it('with a key one character longer than the right one', async () => {
      await expectError(await post(`Bearer ${API_KEY}x`), 401, WRONG);
    });

    it('with the right key under the Basic scheme', async () => {
      await expectError(await post(`Basic ${Buffer.from(`user:${API_KEY}`).toString('base64')}`), 401, MISSING);
    });

    it('before the body is even parsed', async () => {
      await expectError(await post(undefined, '{"not json'), 401, MISSING);
      expect(gw.fake.requests).toHaveLength(0);
    });

    it('on GET /v1/models too', async () => {
      await expectError(await fetch(`${gw.home.url}/v1/models`, { headers: { authorization: 'Bearer wrong' } }), 401, WRONG);
    });
  });

  describe('request size', () => {
    it('answers 413 for a body over 20 MB', async () => {
      const huge = JSON.stringify(withMessages({ role: 'user', content: 'x'.repeat(21 * 1024 * 1024) }));
      await expectError(await gw.postChat(huge), 413, invalid(null, 'The request body is larger than the limit of 20971520 bytes.', 'payload_too_large'));
      expect(gw.fake.requests).toHaveLength(0);
    });

    it('accepts a body just under the 20 MB limit (an inline image) and passes it to the provider', async () => {
      const url = `data:image/png;base64,${'A'.repeat(19 * 1024 * 1024)}`;
      const res = await gw.postChat(withMessages({ role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url } }] }));
      const text = await res.text();
      expect({ status: res.status, text: text.slice(0, 300) }).toEqual({ status: 200, text: expect.stringContaining('echo: what is this?') });
      const parts = providerMessages(gw.fake, 0).at(-1)!.content as Array<{ image_url?: { url: string } }>;
      expect(parts[1]!.image_url!.url).toHaveLength(url.length);
    });
  });
});

describe('a gateway whose agent-core is down', () => {
  let gw: OpenAiGateway;

  beforeAll(async () => {
    // Services started alone (container mode): nothing restarts agent-core once it is killed.
    gw = await startOpenAiGateway({ mode: 'services' });
    expect((await gw.request('GET', '/v1/models')).status).toBe(200);
    const pid = await gw.agentCorePid();
    process.kill(pid, 'SIGKILL');
    await waitFor(
      () =>
        gw.agentCorePid().then(
          () => false,
          () => true,
        ),
      { what: 'agent-core to stop answering' },
    );
  });

  afterAll(async () => {
    await gw?.stop();
  });

  // The caller learns which part is down and that retrying later may help; the gateway's internal
  // addresses and grpc-js internals are not its business.
  const DOWN = {
    message: /^(?!.*(ECONNREFUSED|127\.0\.0\.1|Resolution note|No connection established)).*agent-core/,
    type: 'server_error',
    param: null,
    code: 'service_unreachable',
  };

  it('answers a chat completion with 503 server_error', async () => {
    await expectError(await gw.postChat(valid()), 503, DOWN);
  });

  it('answers a streaming chat completion with a JSON 503 before any event', async () => {
    await expectError(await gw.postChat(valid({ stream: true })), 503, DOWN);
  });

  it('answers GET /v1/models with 503 server_error', async () => {
    await expectError(await gw.request('GET', '/v1/models'), 503, DOWN);
  });

  it('still validates the body first: a malformed request is a 400, not a 503', async () => {
    await expectError(await gw.postChat(valid({ n: 0 })), 400, invalid('n', 'n: expected a number from 1 to 128, got 0'));
  });
});

// Last: after this, every request from 127.0.0.1 to this gateway is refused for a minute.
describe('repeated wrong keys from one address', () => {
  let gw: OpenAiGateway;

  beforeAll(async () => {
    gw = await startOpenAiGateway();
  });

  afterAll(async () => {
    await gw?.stop();
  });

  it('are answered 429 with Retry-After after 20 failures in a minute, also for the right key', async () => {
    const attempt = (key: string) =>
      fetch(`${gw.home.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(valid()) });
    // Successful requests do not count against the limit.
    for (let i = 0; i < 3; i++) expect((await attempt(API_KEY)).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await attempt(`sk-guess-${i}`);
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses).toEqual(Array.from({ length: 20 }, () => 401));

    const TOO_MANY = {
      message: 'Too many requests with a missing or wrong API key; try again later.',
      type: 'rate_limit_error',
      param: null,
      code: 'too_many_auth_failures',
    };
    const blocked = await attempt('sk-guess-20');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    await expectError(blocked, 429, TOO_MANY);

    const rightKey = await attempt(API_KEY);
    expect(rightKey.headers.get('retry-after')).toMatch(/^\d+$/);
    await expectError(rightKey, 429, TOO_MANY);
  });
});
