import { ChatRequest } from '@cliver/common';
import { parseChatRequest } from './parse-request';
import { toChatRequest } from './to-grpc';

const WEATHER = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } };
const grpcOf = (extra: Record<string, unknown>) =>
  toChatRequest(parseChatRequest({ model: 'fake/m', messages: [{ role: 'user', content: 'hi' }], tools: [WEATHER], ...extra }), undefined);

test('carries parallel_tool_calls into the sampling options, false and true alike, and through the wire', () => {
  for (const value of [false, true]) {
    const request = grpcOf({ parallel_tool_calls: value });
    expect(request.options?.parallelToolCalls).toBe(value);
    expect(ChatRequest.decode(ChatRequest.encode(request).finish()).options?.parallelToolCalls).toBe(value);
  }
});

test('leaves parallel_tool_calls unset when the client did not send it, or sent null', () => {
  expect(grpcOf({}).options?.parallelToolCalls).toBeUndefined();
  expect(grpcOf({ parallel_tool_calls: null }).options?.parallelToolCalls).toBeUndefined();
});
