import { ChatRequest, ProtoSurface } from '@cliver/common';
import { toTurnRequest } from './chat-request';

const requestWith = (parallelToolCalls: boolean | undefined) =>
  ChatRequest.fromPartial({ requestId: 'r', surface: ProtoSurface.SURFACE_API, messages: [{ role: 'user', content: 'hi' }], options: { parallelToolCalls } });

test('passes parallel_tool_calls on to the sampling options, and leaves it unset when the caller did', () => {
  expect(toTurnRequest(requestWith(false)).options.parallelToolCalls).toBe(false);
  expect(toTurnRequest(requestWith(true)).options.parallelToolCalls).toBe(true);
  expect(toTurnRequest(requestWith(undefined)).options.parallelToolCalls).toBeUndefined();
});
