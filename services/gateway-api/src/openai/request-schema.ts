import { z } from 'zod';
import { checkToolConversation } from './tool-conversation';
import { isNestedDeeperThan } from './json-depth';

// POST /v1/chat/completions as OpenAI documents it. Objects are strict: a field we do not
// support is refused with a 400 naming it, never silently dropped. Every number is bounded by
// the gRPC field it travels in: a value that field cannot encode must be refused here, as a 400
// naming it, not fail later inside the call that carries other users' turns.

const INT32_MAX = 2 ** 31 - 1;

/** Free-form JSON Schema objects; deeper nesting is refused because it overflows the stack of whatever serialises it next. */
export const MAX_SCHEMA_DEPTH = 64;
const JsonSchemaObject = z
  .record(z.string(), z.unknown())
  .refine((schema) => !isNestedDeeperThan(schema, MAX_SCHEMA_DEPTH), `must not nest objects or lists more than ${MAX_SCHEMA_DEPTH} levels deep`);

// `seed` is an int64 in gRPC, read as a JS number: exact only within the safe-integer range.
const Seed = z.number().refine(Number.isSafeInteger, {
  params: { expected: `an integer from ${Number.MIN_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}` },
});

const TextPart = z.strictObject({ type: z.literal('text'), text: z.string() });
const ImagePart = z.strictObject({
  type: z.literal('image_url'),
  image_url: z.strictObject({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
const TextContent = z.union([z.string(), z.array(TextPart).min(1)]);

const ToolCall = z.strictObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.strictObject({ name: z.string().min(1), arguments: z.string() }),
});

export const ChatMessage = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('system'), content: TextContent, name: z.string().optional() }),
  z.strictObject({ role: z.literal('developer'), content: TextContent, name: z.string().optional() }),
  z.strictObject({
    role: z.literal('user'),
    content: z.union([z.string(), z.array(z.discriminatedUnion('type', [TextPart, ImagePart])).min(1)]),
    name: z.string().optional(),
  }),
  z.strictObject({
    role: z.literal('assistant'),
    content: z.union([TextContent, z.null()]).optional(),
    name: z.string().optional(),
    refusal: z.string().nullable().optional(),
    tool_calls: z.array(ToolCall).optional(),
  }),
  z.strictObject({ role: z.literal('tool'), content: TextContent, tool_call_id: z.string().min(1) }),
]);
export type ChatMessage = z.infer<typeof ChatMessage>;

const FunctionTool = z.strictObject({
  type: z.literal('function'),
  function: z.strictObject({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, underscores or dashes'),
    description: z.string().optional(),
    parameters: JsonSchemaObject.optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

const ToolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.strictObject({ type: z.literal('function'), function: z.strictObject({ name: z.string().min(1) }) }),
]);

const ResponseFormat = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    json_schema: z.strictObject({
      name: z.string().min(1),
      description: z.string().optional(),
      schema: JsonSchemaObject.optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);

const nullable = <T extends z.ZodType>(t: T) => t.nullable().optional();

const ChatCompletionFields = z.strictObject({
  model: z.string().min(1),
  messages: z.array(ChatMessage).min(1),
  stream: nullable(z.boolean()),
  stream_options: nullable(z.strictObject({ include_usage: z.boolean().optional() })),
  temperature: nullable(z.number().min(0).max(2)),
  top_p: nullable(z.number().min(0).max(1)),
  n: nullable(z.number().int().min(1).max(128)),
  max_tokens: nullable(z.number().int().min(1).max(INT32_MAX)),
  max_completion_tokens: nullable(z.number().int().min(1).max(INT32_MAX)),
  stop: nullable(z.union([z.string(), z.array(z.string()).max(4)])),
  seed: nullable(Seed),
  presence_penalty: nullable(z.number().min(-2).max(2)),
  frequency_penalty: nullable(z.number().min(-2).max(2)),
  response_format: nullable(ResponseFormat),
  user: nullable(z.string().max(256)),
  tools: nullable(z.array(FunctionTool).max(128)),
  tool_choice: nullable(ToolChoice),
  parallel_tool_calls: nullable(z.boolean()),
  // Accepted because clients send them by default; false is the only value we can honour.
  logprobs: nullable(z.literal(false)),
  store: nullable(z.literal(false)),
});
export type ChatCompletionFields = z.infer<typeof ChatCompletionFields>;

export const ChatCompletionRequest = ChatCompletionFields.superRefine((body, ctx) => {
  if (body.stream_options && !body.stream) {
    ctx.addIssue({ code: 'custom', path: ['stream_options'], message: 'is only allowed when stream is true' });
  }
  body.messages.forEach((m, i) => {
    if (m.role === 'assistant' && (m.content === undefined || m.content === null) && !m.tool_calls?.length) {
      ctx.addIssue({ code: 'custom', path: ['messages', i, 'content'], message: 'is required unless tool_calls is set' });
    }
  });
  checkToolConversation(body, ctx);
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;
