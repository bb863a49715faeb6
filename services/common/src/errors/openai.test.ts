import { AppError } from './app-error';
import { toOpenAiError } from './openai';

test('answers a timeout with 504 and code "timeout", whichever part timed out', () => {
  for (const reason of ['provider_timeout', 'mcp_call_timeout', undefined]) {
    const { status, body } = toOpenAiError(new AppError('deadline_exceeded', 'too slow', { reason }));
    expect(status).toBe(504);
    expect(body).toEqual({ error: { message: 'too slow', type: 'server_error', param: null, code: 'timeout' } });
  }
});

test('always sends the four keys of the OpenAI error object, null where they do not apply', () => {
  expect(toOpenAiError(new AppError('unavailable', 'provider down', { reason: 'provider_unavailable' })).body).toEqual({
    error: { message: 'provider down', type: 'server_error', param: null, code: 'provider_unavailable' },
  });
  expect(toOpenAiError(new AppError('invalid_argument', 'bad', { field: 'messages[0]' })).body.error).toEqual({ message: 'bad', type: 'invalid_request_error', param: 'messages[0]', code: null });
});

test('never sends the text of an internal error, only the request id', () => {
  const { status, body } = toOpenAiError(new AppError('internal', 'db path /secret/x failed'), 'req-1');
  expect([status, body.error.message]).toEqual([500, 'internal error (request req-1)']);
});

test('answers a payload too large with 413', () => {
  expect(toOpenAiError(new AppError('invalid_argument', 'too big', { reason: 'payload_too_large' })).status).toBe(413);
});
