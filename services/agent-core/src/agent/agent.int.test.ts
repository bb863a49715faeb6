import { z } from 'zod';
import { Config, createLogger } from '@cliver/common';
import { createServer } from 'node:http';
import { freePort, startFakeLlm, waitFor, type FakeLlm } from '@cliver/testkit';
import { ModelCatalog } from '../providers/model-catalog';
import { ProviderRegistry } from '../providers/provider-registry';
import { defineTool, type Tool } from '../tools/tool';
import { Agent } from './agent';
import type { SessionPort, SetupPort } from './ports';
import type { TurnEvent, TurnRequest } from './turn';

const log = createLogger({ service: 'test', level: 'silent' });
let fake: FakeLlm;

beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const noSessions: SessionPort = { open: () => undefined, history: async () => [], record: () => undefined };
const setupWith = (tools: Tool[]): SetupPort => ({ setup: () => ({ system: 'You are a test agent.', tools }) });

function agentFor(wire: 'openai' | 'anthropic', tools: Tool[] = [], maxIterations = 8): Agent {
  const config = Config.parse({
    providers: {
      fake: wire === 'openai'
        ? { type: 'openai', api_url: fake.openaiBaseUrl, api_key: 'k', models: ['gpt-test'] }
        : { type: 'anthropic', api_url: fake.anthropicBaseUrl, api_key: 'k', models: ['claude-test'] },
    },
  });
  const providers = new ProviderRegistry({ timeoutMs: 10_000, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 2000 } });
  return new Agent({ catalog: new ModelCatalog(config), providers, sessions: noSessions, setup: setupWith(tools), log, maxIterations });
}

function request(text: string, extra: Partial<TurnRequest> = {}): TurnRequest {
  return {
    requestId: `r-${Math.random()}`, surface: 'cli', stateless: true, messages: [{ role: 'user', content: text }],
    options: {}, clientTools: [], skills: [], toolFilter: [], ...extra,
  };
}

const add = defineTool({
  name: 'add',
  description: 'Adds two numbers',
  input: z.object({ a: z.number(), b: z.number() }),
  run: ({ a, b }) => String(a + b),
});

async function run(agent: Agent, req: TurnRequest, signal = new AbortController().signal) {
  const events: TurnEvent[] = [];
  const result = await agent.run(req, (e) => events.push(e), signal);
  return { result, events };
}

describe.each(['openai', 'anthropic'] as const)('the agent loop over the %s wire format', (wire) => {
  it('runs a multi-step tool loop and feeds results back', async () => {
    fake.script({ reply: { toolCalls: [{ name: 'add', arguments: { a: 2, b: 3 } }] } });
    fake.script({ reply: { toolCalls: [{ name: 'add', arguments: { a: 5, b: 10 } }] } });
    const { result, events } = await run(agentFor(wire, [add]), request('add things'));
    expect(result.iterations).toBe(3);
    expect(result.text).toBe('tool result: 15');
    expect(events.filter((e) => e.type === 'tool_finished').map((e) => (e as { result: string }).result)).toEqual(['5', '15']);
    expect(result.usage.totalTokens).toBeGreaterThan(0);
    expect(result.usage.totalTokens).toBe(result.usage.promptTokens + result.usage.completionTokens);
  });

  it('runs the same loop without streaming from the provider when the caller only wants the answer', async () => {
    fake.script({ reply: { toolCalls: [{ name: 'add', arguments: { a: 20, b: 22 } }] } });
    const { result, events } = await run(agentFor(wire, [add]), request('buffered', { buffered: true }));
    expect(result).toMatchObject({ iterations: 2, text: 'tool result: 42' });
    expect(events.find((e) => e.type === 'tool_finished')).toMatchObject({ tool: 'add', result: '42' });
    expect(result.usage.completionTokens).toBeGreaterThan(0);
    const sent = fake.requests.filter((r) => r.api === wire).map((r) => (r.body as { stream?: boolean }).stream);
    expect(sent).toEqual([false, false]);
  });

  it('runs independent tool calls in parallel', async () => {
    // Each tool waits until the other has started: run one after the other, they would deadlock.
    const started = new Set<string>();
    const barrier = (name: string) =>
      defineTool({
        name,
        description: 'waits for its sibling',
        input: z.object({}),
        run: async () => {
          started.add(name);
          await waitFor(() => started.size === 2, { timeoutMs: 3000, what: 'both tools running' });
          return `${name} ok`;
        },
      });
    fake.script({ reply: { toolCalls: [{ name: 'left', arguments: {} }, { name: 'right', arguments: {} }] } });
    const { result } = await run(agentFor(wire, [barrier('left'), barrier('right')]), request('go'));
    expect(result.iterations).toBe(2);
  });

  it('reports a tool call whose arguments do not match the schema to the model, and continues', async () => {
    fake.script({ reply: { toolCalls: [{ name: 'add', arguments: { a: 'two', b: 3 } }] } });
    const { result, events } = await run(agentFor(wire, [add]), request('bad args'));
    const finished = events.find((e) => e.type === 'tool_finished') as { error: string };
    expect(finished.error).toMatch(/^invalid arguments for add: a: /);
    expect(result.text).toMatch(/^tool result: Error: invalid arguments for add: a:/);
  });

  it('retries a 429 and then succeeds', async () => {
    fake.script({ reply: { error: { status: 429, retryAfterS: 0 } } });
    const { result } = await run(agentFor(wire), request('hello'));
    expect(result.text).toBe('echo: hello');
    expect(fake.requests.filter((r) => r.api === wire)).toHaveLength(2);
  });

  it('turns a provider 401 into a clear configuration error, without retrying', async () => {
    fake.script({ reply: { error: { status: 401 } } });
    await expect(run(agentFor(wire), request('hello'))).rejects.toMatchObject({
      code: 'unavailable',
      reason: 'provider_auth_failed',
      message: expect.stringContaining("provider 'fake' rejected our credentials (HTTP 401): check its api_key in config.yaml"),
    });
    expect(fake.requests.filter((r) => r.api === wire)).toHaveLength(1);
  });

  it('reports a conversation that is too long for the model as context_length_exceeded', async () => {
    fake.script({ reply: { error: { status: 400, type: 'context_length_exceeded' } } });
    await expect(run(agentFor(wire), request('a very long conversation'))).rejects.toMatchObject({
      code: 'invalid_argument',
      reason: 'context_length_exceeded',
      field: 'messages',
    });
    expect(fake.requests.filter((r) => r.api === wire)).toHaveLength(1);
  });

  it('stops the provider request when the turn is cancelled mid-stream', async () => {
    fake.script({ reply: { text: Array.from({ length: 200 }, (_, i) => `w${i}`).join(' '), tokensPerSecond: 20 } });
    const controller = new AbortController();
    const events: TurnEvent[] = [];
    const running = agentFor(wire).run(request('stream'), (e) => {
      events.push(e);
      if (e.type === 'text') controller.abort();
    }, controller.signal);
    await expect(running).rejects.toMatchObject({ reason: 'cancelled' });
    await waitFor(() => fake.requests.find((r) => r.api === wire)?.clientAborted, { what: 'the provider request to be closed' });
    expect(events.filter((e) => e.type === 'text').length).toBeLessThan(5);
  });

  it('ends with a clear message at the iteration cap', async () => {
    fake.script({ times: Infinity, reply: { toolCalls: [{ name: 'add', arguments: { a: 1, b: 1 } }] } });
    const { result } = await run(agentFor(wire, [add], 3), request('loop forever'));
    expect(result.iterations).toBe(3);
    expect(result.text).toMatch(/^I stopped after 3 rounds of tool calls without reaching a final answer/);
  });
});

describe('a provider that misbehaves', () => {
  function agentAt(apiUrl: string): Agent {
    const config = Config.parse({ providers: { odd: { type: 'openai', api_url: apiUrl, api_key: 'k', models: ['m'] } } });
    const providers = new ProviderRegistry({ timeoutMs: 5000, retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 100 } });
    return new Agent({ catalog: new ModelCatalog(config), providers, sessions: noSessions, setup: setupWith([]), log, maxIterations: 3 });
  }

  it('that is unreachable gives a clear error after bounded retries', async () => {
    const port = await freePort();
    await expect(run(agentAt(`http://127.0.0.1:${port}/v1`), request('hi'))).rejects.toMatchObject({
      code: 'unavailable',
      reason: 'provider_unreachable',
      message: expect.stringContaining("provider 'odd' is unreachable"),
    });
  });

  it('that answers garbage gives a clear error', async () => {
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).end('data: <html>not json</html>\n\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      await expect(run(agentAt(`http://127.0.0.1:${port}/v1`), request('hi'))).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining("provider 'odd'") });
    } finally {
      server.close();
    }
  });
});

describe('pass-through of client tools (OpenAI API clients)', () => {
  it('offers only the client tools and returns their calls without running anything', async () => {
    fake.script({ reply: { toolCalls: [{ id: 'call_abc', name: 'get_weather', arguments: { city: 'Paris' } }] } });
    const clientTools = [{ name: 'get_weather', description: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }];
    const { result, events } = await run(agentFor('openai', [add]), request('weather?', { surface: 'api', clientTools }));
    expect(result.iterations).toBe(1);
    const sent = fake.requests.find((r) => r.api === 'openai')!.body as { tools: Array<{ function: { name: string } }> };
    expect(sent.tools.map((t) => t.function.name)).toEqual(['get_weather']);
    const deltas = events.filter((e) => e.type === 'tool_call') as Array<{ id?: string; name?: string; argumentsDelta: string }>;
    expect(deltas[0]).toMatchObject({ id: 'call_abc', name: 'get_weather' });
    expect(JSON.parse(deltas.map((d) => d.argumentsDelta).join(''))).toEqual({ city: 'Paris' });
    expect(events.at(-1)).toEqual({ type: 'choice_finished', choice: 0, reason: 'tool_calls' });
  });
});
