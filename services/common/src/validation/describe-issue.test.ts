import { z } from 'zod';
import { describeZodIssue, formatIssuePath } from './describe-issue';

function describeAll(schema: z.ZodType, input: unknown, withSchema = true) {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected the input to be rejected');
  return result.error.issues.map((issue) => describeZodIssue(issue, input, withSchema ? schema : undefined));
}

describe('formatIssuePath', () => {
  it('joins keys with dots and puts array indexes in brackets', () => {
    expect(formatIssuePath(['messages', 2, 'content'])).toBe('messages[2].content');
    expect(formatIssuePath([0, 'a'])).toBe('[0].a');
    expect(formatIssuePath([])).toBe('');
  });

  it('keeps map keys as they are, dots included', () => {
    expect(formatIssuePath(['platforms', 'my.bot', 'token'])).toBe('platforms.my.bot.token');
  });
});

describe('describeZodIssue', () => {
  const Port = z.object({ port: z.number().int().min(1).max(65535) });

  it('names the range and quotes the string received for a wrong type', () => {
    expect(describeAll(Port, { port: 'eighty' })).toEqual([
      { path: 'port', message: 'expected a number from 1 to 65535, got "eighty"' },
    ]);
  });

  it('reports an out-of-range number with the same wording', () => {
    expect(describeAll(Port, { port: 70000 })).toEqual([
      { path: 'port', message: 'expected a number from 1 to 65535, got 70000' },
    ]);
  });

  it('says a whole number is needed for a fraction', () => {
    expect(describeAll(Port, { port: 80.5 })[0].message).toBe('expected a whole number from 1 to 65535, got 80.5');
  });

  it('says "is required" for a missing key', () => {
    expect(describeAll(Port, {})).toEqual([{ path: 'port', message: 'is required' }]);
  });

  it('lists the allowed values of an enum', () => {
    const T = z.object({ transport: z.enum(['stdio', 'sse', 'streamable_http', 'websocket']) });
    expect(describeAll(T, { transport: 'grpc' })[0].message).toBe(
      'expected one of stdio, sse, streamable_http, websocket, got "grpc"',
    );
  });

  it('names the element type of a list', () => {
    const L = z.object({ allowed_users: z.array(z.string()) });
    expect(describeAll(L, { allowed_users: 12345 })[0].message).toBe('expected a list of strings, got a number');
  });

  it('falls back to zod\'s own expectation when no schema is given', () => {
    const L = z.object({ allowed_users: z.array(z.string()) });
    expect(describeAll(L, { allowed_users: 12345 }, false)[0].message).toBe('expected a list, got a number');
  });

  it('points into nested lists with bracketed indexes', () => {
    const M = z.object({ messages: z.array(z.object({ content: z.string() })) });
    const input = { messages: [{ content: 'a' }, { content: 'b' }, { content: 7 }] };
    expect(describeAll(M, input)).toEqual([{ path: 'messages[2].content', message: 'expected a string, got a number' }]);
  });

  it('reports the inner problem of the union option the value was meant for', () => {
    const Item = z.union([z.string(), z.object({ name: z.string(), size: z.number().int().min(1) })]);
    const S = z.object({ models: z.array(Item) });
    expect(describeAll(S, { models: ['a', { name: 'b', size: 'big' }] })).toEqual([
      { path: 'models[1].size', message: 'expected a positive integer, got "big"' },
    ]);
  });

  it('lists the accepted forms when no union option fits', () => {
    const S = z.object({ model: z.union([z.string(), z.object({ name: z.string() })]) });
    expect(describeAll(S, { model: 5 })[0].message).toBe('expected a string or a map, got a number');
  });

  it('says an empty string must not be empty', () => {
    expect(describeAll(z.object({ name: z.string().min(1) }), { name: '' })[0].message).toBe('must not be empty');
  });

  it('formats custom issues that carry an expectation like built-in ones', () => {
    const S = z.object({
      addr: z.string().superRefine((v, ctx) => {
        if (!v.includes(':')) ctx.addIssue({ code: 'custom', message: 'bad', params: { expected: 'host:port' } });
      }),
    });
    expect(describeAll(S, { addr: 'localhost' })[0].message).toBe('expected host:port, got "localhost"');
  });

  it('keeps the message of a plain custom issue', () => {
    const S = z.object({ a: z.string() }).refine(() => false, { message: 'a and b conflict', path: ['a'] });
    expect(describeAll(S, { a: 'x' })).toEqual([{ path: 'a', message: 'a and b conflict' }]);
  });

  it('describes a value of the wrong kind at the root', () => {
    expect(describeAll(z.object({ a: z.string() }), ['x'])).toEqual([{ path: '', message: 'expected a map, got a list' }]);
  });
});
