import { planCompletion } from './completion';
import { defaultReply, parseRule, Script } from './script';

const turn = (lastUserText: string, extra: { toolResultText?: string } = {}) => ({ model: 'm', lastUserText, promptTokens: 1, ...extra });

test('[[tool:...]] markers become tool calls; malformed JSON is passed through as a string', () => {
  expect(defaultReply(turn('do [[tool:a {"x":1}]] and [[tool:b]] and [[tool:c {oops}]]'))).toEqual({
    toolCalls: [
      { name: 'a', arguments: { x: 1 } },
      { name: 'b', arguments: {} },
      { name: 'c', arguments: '{oops}' },
    ],
  });
  expect(defaultReply(turn('[[tool:a {}]]', { toolResultText: 'done' }))).toEqual({ text: 'tool result: done' });
  expect(defaultReply(turn('plain'))).toEqual({ text: 'echo: plain' });
});

test('rules without api never answer transcriptions', () => {
  const script = new Script();
  script.add({ reply: { text: 'chat' } });
  expect(script.next('transcription', turn(''))).toBeUndefined();
  expect(script.next('anthropic', turn(''))).toEqual({ text: 'chat' });
  expect(script.next('anthropic', turn(''))).toBeUndefined();
});

test('parseRule maps times -1 to Infinity and rejects replies it cannot play', () => {
  expect(parseRule({ times: -1, reply: { hang: true } }).times).toBe(Infinity);
  expect(() => parseRule({ reply: {} })).toThrow(/text, toolCalls, error or hang/);
  expect(() => parseRule({ reply: { toolCalls: [{ arguments: {} }] } })).toThrow(/toolCalls/);
  expect(() => parseRule([])).toThrow(/body must be a rule/);
});

test('a stop sequence or the token budget drops the tool calls a cut answer never reached', () => {
  const reply = { text: 'a b c', toolCalls: [{ name: 't', arguments: {} }] };
  expect(planCompletion(reply, {})).toMatchObject({ finish: 'tool_calls', completionTokens: 4 });
  expect(planCompletion(reply, { maxTokens: 2 })).toMatchObject({ text: 'a b ', toolCalls: [], finish: 'length' });
  expect(planCompletion(reply, { stop: ['', 'c'] })).toMatchObject({ text: 'a b ', toolCalls: [], finish: 'stop_sequence', stopSequence: 'c' });
});
