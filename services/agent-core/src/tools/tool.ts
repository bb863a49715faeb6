import { z } from 'zod';
import { AppError, describeZodIssue } from '@cliver/common';

/** Where a turn comes from; decides which tools it gets and which system text is appended. */
export type Surface = 'cli' | 'api' | 'im' | 'task' | 'admin';

/** The IM conversation a turn belongs to (cliver-formats.md §4). */
export interface ImOrigin {
  platform: string;
  channelId: string;
  threadId: string;
  userId: string;
}

/** What a tool may know about the turn that calls it. */
export interface ToolContext {
  surface: Surface;
  sessionId?: string;
  origin?: ImOrigin;
  /** Aborted when the turn is cancelled (client gone, stop from the portal). */
  signal: AbortSignal;
}

export interface Tool {
  /** The name the model sees; MCP tools are `<server>__<tool>`. */
  name: string;
  description: string;
  /** JSON Schema (an object schema) of the arguments, as sent to the model. */
  parameters: Record<string, unknown>;
  /** `builtin`, or `mcp:<server>` for tools from an MCP server. */
  source: string;
  /** Runs the tool. Returns the text the model gets; throws AppError for a clear tool error. */
  execute(args: unknown, ctx: ToolContext): Promise<string>;
}

/**
 * Defines a built-in tool from a zod schema: the model gets the JSON Schema, and arguments that
 * do not match are refused with a message naming the field, before `run` sees them.
 */
// Tools such as Skill are rebuilt per turn around the same input schema: convert it once.
const jsonSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();

function jsonSchemaOf(input: z.ZodType): Record<string, unknown> {
  let schema = jsonSchemas.get(input);
  if (!schema) {
    schema = z.toJSONSchema(input, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
    delete schema.$schema;
    jsonSchemas.set(input, schema);
  }
  return schema;
}

export function defineTool<S extends z.ZodType>(spec: {
  name: string;
  description: string;
  input: S;
  run: (args: z.infer<S>, ctx: ToolContext) => Promise<string> | string;
}): Tool {
  const parameters = jsonSchemaOf(spec.input);
  return {
    name: spec.name,
    description: spec.description,
    parameters,
    source: 'builtin',
    async execute(args, ctx) {
      const parsed = spec.input.safeParse(args);
      if (!parsed.success) {
        const { path, message } = describeZodIssue(parsed.error.issues[0]!, args, spec.input);
        const field = path || '(arguments)';
        throw new AppError('invalid_argument', `invalid arguments for ${spec.name}: ${field}: ${message}`, { field, reason: 'invalid_tool_arguments' });
      }
      return spec.run(parsed.data, ctx);
    },
  };
}
