import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { AppError } from '@cliver/common';
import { toProviderError, toStreamBreakError, type ProviderErrorContext } from './provider-errors';
import { redactorOf } from './secret-redactor';

const CANARY = 'sk-canary-7f3a9c2e41d8';
const ctx: ProviderErrorContext = { provider: 'openai', host: 'api.example.com', timeoutMs: 120_000, redact: redactorOf([{ path: 'providers.openai.api_key', value: CANARY }]) };

describe.each([
  ['openai', OpenAI],
  ['anthropic', Anthropic],
] as const)('errors of the %s SDK', (_name, Sdk) => {
  it('maps its own timeout error to deadline_exceeded provider_timeout', () => {
    expect(toProviderError(new Sdk.APIConnectionTimeoutError(), ctx)).toMatchObject({
      code: 'deadline_exceeded',
      reason: 'provider_timeout',
      message:
        "provider 'openai' did not answer within 120 s: it may be overloaded, or the model needs longer (raise agent.provider_timeout_seconds in config.yaml). " +
        'Not retried, as the request may still be running there.',
    });
  });

  it('maps its abort error to cancelled, unless our deadline was what aborted it', () => {
    expect(toProviderError(new Sdk.APIUserAbortError(), ctx)).toMatchObject({ code: 'unavailable', reason: 'cancelled' });
    expect(toProviderError(new Sdk.APIUserAbortError(), ctx, 'timeout')).toMatchObject({ code: 'deadline_exceeded', reason: 'provider_timeout' });
  });

  it('names the cause of a connection error', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 9 });
    expect(toProviderError(new Sdk.APIConnectionError({ cause: refused }), ctx).message).toMatch(
      /^provider 'openai' is unreachable: connection refused by 127\.0\.0\.1:9 \(ECONNREFUSED\)/,
    );
  });

  it('never passes on a configured secret that the upstream quotes, not even in the cause', () => {
    const headers = new Headers();
    const body = { error: { type: 'invalid_request_error', message: `Incorrect API key provided: ${CANARY}. You can find your API key at …` } };
    for (const err of [Sdk.APIError.generate(401, body, undefined, headers), Sdk.APIError.generate(400, body, undefined, headers)]) {
      const e = toProviderError(err, ctx);
      expect(e.message).toContain('[redacted providers.openai.api_key]');
      expect(e.message).not.toContain(CANARY);
      const cause = e.cause as Error & { error?: unknown };
      expect(`${cause.message} ${cause.stack} ${JSON.stringify(cause.error)}`).not.toContain(CANARY);
    }
  });
});

test('a stream that stops for longer than the timeout is a timeout midway; one that breaks is unreachable', () => {
  expect(toStreamBreakError(undefined, ctx, 'timeout')).toMatchObject({
    code: 'deadline_exceeded',
    reason: 'provider_timeout',
    message: expect.stringMatching(/^provider 'openai' stopped sending its answer for 120 s: /),
  });
  expect(toStreamBreakError(new TypeError('terminated'), ctx)).toMatchObject({ reason: 'provider_unreachable', message: "provider 'openai' broke off its answer midway" });
  expect(toStreamBreakError(undefined, ctx, 'cancelled')).toMatchObject({ reason: 'cancelled' });
});

test('an answer that is not JSON is a bad response, not an unreachable provider', () => {
  expect(toProviderError(new SyntaxError(`Unexpected token '<', "<html>${CANARY}" is not valid JSON`), ctx)).toMatchObject({
    code: 'unavailable',
    reason: 'provider_bad_response',
    message: expect.not.stringContaining(CANARY),
  });
});

test('cuts a long upstream text, such as an HTML error page, short', () => {
  const page = Object.assign(new Error(`<html>${'x'.repeat(5000)}</html>`), { status: 502 });
  expect(toProviderError(page, ctx).message.length).toBeLessThan(600);
});

test('keeps an AppError as it is and quotes short timeouts in seconds', () => {
  const own = new AppError('invalid_argument', 'n > 1 is not supported');
  expect(toProviderError(own, ctx)).toBe(own);
  expect(toProviderError(new OpenAI.APIConnectionTimeoutError(), { ...ctx, timeoutMs: 300 }).message).toMatch(/within 0\.3 s/);
});
