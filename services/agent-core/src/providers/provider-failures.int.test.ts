// A provider as the agent uses it (registry → retries → SDK → our fetch) against the fake LLM.
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, Config } from '@cliver/common';
import { freePort, startFakeLlm, type FakeLlm } from '@cliver/testkit';
import { ModelCatalog } from './model-catalog';
import type { SamplingOptions, StreamEvent, ToolSpec } from './provider';
import { ProviderRegistry, type ProviderRegistryOptions } from './provider-registry';
import { secretRedactor } from './secret-redactor';

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

type Wire = 'openai' | 'anthropic';
const CANARY = 'sk-canary-4e1f0b7d9a23c6';

function providerFor(wire: Wire, apiUrl: string, opts: { registry?: Partial<ProviderRegistryOptions>; apiKey?: string; top?: object } = {}) {
  const config = Config.parse({
    ...opts.top,
    providers: { fake: { type: wire, api_url: apiUrl, api_key: opts.apiKey ?? 'k', models: [wire === 'openai' ? 'gpt-test' : 'claude-test'] } },
  });
  const registry = new ProviderRegistry({ timeoutMs: 5000, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 }, ...opts.registry });
  const model = new ModelCatalog(config).resolve(undefined);
  return { provider: registry.for(model), model, config };
}

async function complete(
  { provider, model }: ReturnType<typeof providerFor>,
  req: { stream?: boolean; tools?: ToolSpec[]; options?: SamplingOptions } = {},
): Promise<{ events: StreamEvent[]; error?: AppError; elapsedMs: number }> {
  const events: StreamEvent[] = [];
  const started = Date.now();
  const request = { model, messages: [{ role: 'user' as const, content: 'hello' }], tools: req.tools ?? [], options: req.options ?? {}, signal: new AbortController().signal, stream: req.stream };
  try {
    for await (const e of provider.stream(request)) events.push(e);
    return { events, elapsedMs: Date.now() - started };
  } catch (error) {
    return { events, error: error as AppError, elapsedMs: Date.now() - started };
  }
}

const textOf = (events: StreamEvent[]) => events.map((e) => (e.type === 'text' ? e.text : '')).join('');

describe.each(['openai', 'anthropic'] as const)('a %s provider', (wire) => {
  const url = () => (wire === 'openai' ? fake.openaiBaseUrl : fake.anthropicBaseUrl);
  const sent = () => fake.requests.filter((r) => r.api === wire);

  it.each([true, false])('that accepts the request and never answers fails with provider_timeout after the timeout, sent once (stream: %s)', async (stream) => {
    // Only the first request hangs: a retry would get an answer, and this test would see it.
    fake.script({ reply: { hang: true } });
    const { error, elapsedMs } = await complete(providerFor(wire, url(), { registry: { timeoutMs: 300 } }), { stream });
    expect(error).toMatchObject({ code: 'deadline_exceeded', reason: 'provider_timeout', message: expect.stringContaining('did not answer within 0.3 s') });
    expect(elapsedMs).toBeGreaterThanOrEqual(250);
    expect(elapsedMs).toBeLessThan(1500);
    await sleep(200);
    expect(sent()).toHaveLength(1);
  });

  it('that sends its headers and then nothing fails with provider_timeout after the timeout', async () => {
    fake.script({ reply: { text: 'late', firstTokenDelayMs: 5000 } });
    const { error, elapsedMs } = await complete(providerFor(wire, url(), { registry: { timeoutMs: 300 } }));
    expect(error).toMatchObject({ code: 'deadline_exceeded', reason: 'provider_timeout' });
    expect(elapsedMs).toBeLessThan(1500);
    expect(sent()).toHaveLength(1);
  });

  it('that stops sending midway fails with provider_timeout', async () => {
    fake.script({ reply: { text: 'one two three four', tokensPerSecond: 0.5 } });
    const { error, elapsedMs } = await complete(providerFor(wire, url(), { registry: { timeoutMs: 300 } }));
    expect(error).toMatchObject({ code: 'deadline_exceeded', reason: 'provider_timeout', message: expect.stringContaining('stopped sending its answer') });
    expect(elapsedMs).toBeLessThan(1500);
  });

  it('whose answer keeps coming is not cut by the timeout, however long it takes', async () => {
    fake.script({ reply: { text: 'a b c d e f g h', tokensPerSecond: 10 } });
    const { error, events, elapsedMs } = await complete(providerFor(wire, url(), { registry: { timeoutMs: 300 } }));
    expect(error).toBeUndefined();
    expect(textOf(events)).toBe('a b c d e f g h');
    expect(elapsedMs).toBeGreaterThan(600);
  });

  it('that refuses connections says so, with the address', async () => {
    const port = await freePort();
    const { error } = await complete(providerFor(wire, `http://127.0.0.1:${port}/v1`));
    expect(error).toMatchObject({ code: 'unavailable', reason: 'provider_unreachable' });
    expect(error?.message).toMatch(new RegExp(`^provider 'fake' is unreachable: connection refused by 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
  });

  it('whose host name does not resolve says so, with the name', async () => {
    const { error } = await complete(providerFor(wire, 'http://api.example.invalid/v1'));
    expect(error).toMatchObject({ code: 'unavailable', reason: 'provider_unreachable' });
    expect(error?.message).toMatch(/^provider 'fake' is unreachable: cannot resolve host api\.example\.invalid( right now)? \((ENOTFOUND|EAI_AGAIN)\)/);
  });

  it.each([401, 400] as const)('that quotes our api_key in a %i never makes us pass it on', async (status) => {
    fake.script({ reply: { error: { status, message: `Incorrect API key provided: ${CANARY}. Find yours at https://example.invalid/keys` } } });
    const { error } = await complete(providerFor(wire, url(), { apiKey: CANARY }));
    expect(error?.message).toContain('Incorrect API key provided: [redacted providers.fake.api_key].');
    const cause = error?.cause as Error & { error?: unknown };
    expect(`${error?.message} ${cause.message} ${cause.stack} ${JSON.stringify(cause.error)}`).not.toContain(CANARY);
  });

  it('masks any configured secret the upstream quotes when given secretRedactor(config)', async () => {
    const top = { gateway: { api_key: `gw-${CANARY}` } };
    const config = Config.parse({ ...top, providers: {} });
    fake.script({ reply: { error: { status: 400, message: `rejected header x-gateway: gw-${CANARY}` } } });
    const { error } = await complete(providerFor(wire, url(), { top, registry: { redact: secretRedactor(config) } }));
    expect(error?.message).toMatch(/rejected header x-gateway: \[redacted gateway\.api_key\]$/);
    expect(error?.message).not.toContain(CANARY);
  });

  it('forwards parallelToolCalls: false, and only when tools are offered', async () => {
    const tools: ToolSpec[] = [{ name: 'add', description: 'adds', parameters: { type: 'object', properties: {} } }];
    const p = providerFor(wire, url());
    for (const [withTools, parallelToolCalls] of [[true, false], [true, true], [true, undefined], [false, false]] as const) {
      await complete(p, { tools: withTools ? tools : [], options: { parallelToolCalls } });
    }
    const bodies = sent().map((r) => r.body as Record<string, unknown>);
    if (wire === 'openai') {
      expect(bodies.map((b) => b.parallel_tool_calls)).toEqual([false, true, undefined, undefined]);
    } else {
      expect(bodies.map((b) => b.tool_choice)).toEqual([{ type: 'auto', disable_parallel_tool_use: true }, undefined, undefined, undefined]);
    }
  });
});
