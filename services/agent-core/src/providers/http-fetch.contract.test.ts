// providerFetch hands the SDKs an object that only looks like a fetch Response (see
// http-fetch.ts). This drives every SDK path the providers use through it and, as the
// reference, through the global fetch the SDKs are written for: both must behave alike, so an
// SDK upgrade that reads something the shim lacks fails here, not in production.
import { createServer, type Server, type Socket } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startFakeLlm, waitFor, type FakeLlm } from '@cliver/testkit';
import { providerFetch } from './http-fetch';
import { toProviderError } from './provider-errors';
import { noRedaction } from './secret-redactor';

type Fetch = typeof fetch;
type ErrorClass = abstract new (...args: never[]) => Error;

interface Client {
  complete(text: string, signal?: AbortSignal): Promise<string>;
  /** The text deltas of a streamed answer. */
  stream(text: string, signal?: AbortSignal): AsyncIterable<string>;
}

interface Sdk {
  name: 'openai' | 'anthropic';
  errors: Record<'RateLimitError' | 'InternalServerError' | 'APIConnectionError' | 'APIConnectionTimeoutError' | 'APIUserAbortError', ErrorClass>;
  client(url: string, fetch: Fetch, timeoutMs: number): Client;
}

const messages = (text: string) => [{ role: 'user' as const, content: text }];

const openai: Sdk = {
  name: 'openai',
  errors: OpenAI,
  client(url, fetch, timeout) {
    const c = new OpenAI({ apiKey: 'k-contract', baseURL: `${url}/v1`, maxRetries: 0, timeout, logLevel: 'off', fetch });
    return {
      complete: async (text, signal) => (await c.chat.completions.create({ model: 'm', messages: messages(text) }, { signal })).choices[0]?.message.content ?? '',
      async *stream(text, signal) {
        const s = await c.chat.completions.create({ model: 'm', stream: true, messages: messages(text) }, { signal });
        for await (const chunk of s) if (chunk.choices[0]?.delta?.content) yield chunk.choices[0].delta.content;
      },
    };
  },
};

const anthropic: Sdk = {
  name: 'anthropic',
  errors: Anthropic,
  client(url, fetch, timeout) {
    const c = new Anthropic({ apiKey: 'k-contract', baseURL: url, maxRetries: 0, timeout, logLevel: 'off', fetch });
    return {
      complete: async (text, signal) => (await c.messages.create({ model: 'm', max_tokens: 100, messages: messages(text) }, { signal })).content.map((b) => (b.type === 'text' ? b.text : '')).join(''),
      async *stream(text, signal) {
        const s = await c.messages.create({ model: 'm', max_tokens: 100, stream: true, messages: messages(text) }, { signal });
        for await (const e of s) if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') yield e.delta.text;
      },
    };
  },
};

/**
 * Jest runs tests in a vm context whose Error is not Node's, so the DOMException a fetch rejects
 * with on abort fails `instanceof Error` here (and only here): openai's SDK then loses the
 * error's name and reports its own timeout as a plain connection error (Anthropic's SDK has a
 * workaround for exactly this). Rebuilding such a rejection in this realm gives the SDKs what
 * they get outside jest.
 */
function asOutsideJest(f: Fetch): Fetch {
  return (input, init) =>
    f(input, init).catch((e: unknown) => {
      if (e instanceof Error || Object.prototype.toString.call(e) !== '[object DOMException]') throw e;
      const { name, message } = e as DOMException;
      throw Object.assign(new Error(message), { name });
    });
}

const FETCHES: Array<[string, Fetch]> = [
  ['the global fetch', asOutsideJest(globalThis.fetch)],
  ['providerFetch', asOutsideJest(providerFetch)],
];

let fake: FakeLlm;
// Accepts TCP connections and never speaks: an https URL to it hangs in the TLS handshake.
let silent: Server;
const sockets = new Set<Socket>();

beforeAll(async () => {
  fake = await startFakeLlm();
  silent = createServer((s) => void sockets.add(s.on('error', () => undefined)));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => silent.close(resolve));
  await fake.close();
});
beforeEach(() => fake.reset());

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as Error);

async function collect(stream: AsyncIterable<string>, onPiece?: (piece: string) => void): Promise<{ pieces: string[]; error?: Error }> {
  const pieces: string[] = [];
  try {
    for await (const piece of stream) {
      pieces.push(piece);
      onPiece?.(piece);
    }
    return { pieces };
  } catch (error) {
    return { pieces, error: error as Error };
  }
}

const ctx = { provider: 'p', host: 'h', timeoutMs: 1000, redact: noRedaction };

describe.each([openai, anthropic])('the $name SDK', (sdk) => {
  describe.each(FETCHES)('through %s', (_label, fetchImpl) => {
    const client = (timeoutMs = 5000) => sdk.client(fake.url, fetchImpl, timeoutMs);

    it('answers a completion and sends the body and headers the SDK built', async () => {
      expect(await client().complete('hi')).toBe('echo: hi');
      const [sent] = fake.requests;
      expect(sent.body).toMatchObject({ model: 'm', messages: messages('hi') });
      expect(sent.headers['content-type']).toBe('application/json');
      expect(sent.headers.authorization ?? sent.headers['x-api-key']).toMatch(/k-contract/);
    });

    it('streams the answer piece by piece', async () => {
      fake.script({ reply: { text: 'one two three' } });
      expect(await collect(client().stream('go'))).toEqual({ pieces: ['one ', 'two ', 'three'] });
    });

    it('turns a JSON error into the typed error, with its status, text and retry-after', async () => {
      fake.script({ reply: { error: { status: 429, message: 'slow down', retryAfterS: 7 } } });
      const err = await failure(client().complete('x'));
      expect(err).toBeInstanceOf(sdk.errors.RateLimitError);
      expect(err).toMatchObject({ status: 429, message: expect.stringContaining('slow down') });
      expect(toProviderError(err, ctx).retryAfterMs).toBe(7000);
    });

    it('keeps the status and text of an error page that is not JSON, also for a stream', async () => {
      fake.script({ reply: { error: { status: 500, rawBody: '<html>Bad Gateway</html>' } } });
      const { error } = await collect(client().stream('x'));
      expect(error).toBeInstanceOf(sdk.errors.InternalServerError);
      expect(error).toMatchObject({ status: 500, message: expect.stringContaining('<html>Bad Gateway</html>') });
    });

    it('throws after the pieces sent when the server cuts a stream', async () => {
      fake.script({ reply: { text: 'a b c d e f g h', dropAfterChunks: 4 } });
      const { pieces, error } = await collect(client().stream('x'));
      expect(pieces.length).toBeLessThan(8);
      // The global fetch's TypeError comes from Node's realm, not this one (see asOutsideJest).
      expect(error?.message).toEqual(expect.any(String));
      expect(error).not.toBeInstanceOf(sdk.errors.APIUserAbortError);
    });

    it('reports a connection cut before any answer as a connection error', async () => {
      fake.script({ reply: { text: 'never sent', dropAfterChunks: 0 } });
      const err = await failure(client().complete('x'));
      expect(err).toBeInstanceOf(sdk.errors.APIConnectionError);
      expect(err).not.toBeInstanceOf(sdk.errors.APIConnectionTimeoutError);
    });

    it('rejects at once with the SDK abort error when aborted before the headers, and closes the request', async () => {
      fake.script({ reply: { hang: true } });
      const started = Date.now();
      const err = await failure(client().complete('x', AbortSignal.timeout(100)));
      expect(err).toBeInstanceOf(sdk.errors.APIUserAbortError);
      expect(Date.now() - started).toBeLessThan(1000);
      await waitFor(() => fake.requests[0]?.clientAborted, { timeoutMs: 2000, what: 'the request to be closed' });
    });

    it('ends a stream aborted midway without more pieces, and closes the request', async () => {
      fake.script({ reply: { text: Array.from({ length: 50 }, (_, i) => `w${i}`).join(' '), tokensPerSecond: 20 } });
      const controller = new AbortController();
      const { pieces, error } = await collect(client().stream('x', controller.signal), () => controller.abort());
      // Both SDKs end the iteration quietly on an abort (providers check their deadline after it).
      expect({ count: pieces.length, error }).toEqual({ count: 1, error: undefined });
      await waitFor(() => fake.requests[0]?.clientAborted, { timeoutMs: 2000, what: 'the request to be closed' });
    });

    it('reports its own timeout before the headers as the SDK timeout error', async () => {
      fake.script({ reply: { hang: true } });
      const started = Date.now();
      const err = await failure(client(200).complete('x'));
      expect(err).toBeInstanceOf(sdk.errors.APIConnectionTimeoutError);
      expect(Date.now() - started).toBeLessThan(1500);
    });

    it('rejects at once when aborted while the TLS handshake hangs', async () => {
      const { port } = silent.address() as { port: number };
      const started = Date.now();
      const err = await failure(sdk.client(`https://127.0.0.1:${port}`, fetchImpl, 60_000).complete('x', AbortSignal.timeout(150)));
      expect(err).toBeInstanceOf(sdk.errors.APIUserAbortError);
      expect(Date.now() - started).toBeLessThan(1500);
    });
  });
});
