import { AppError, type Logger } from '@cliver/common';
import type { CallToolResult, Tool as McpToolDef } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { JsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';
import type { Tool } from '../tools/tool';
import { renderToolResult } from './render-result';
import { mcpToolName } from './tool-name';

/** Calls one tool on the server's current connection; throws AppError. */
export type CallMcpTool = (tool: string, args: Record<string, unknown>, signal: AbortSignal) => Promise<CallToolResult>;

// The SDK's ajv 8 wrapper: `import 'ajv'` from agent-core would resolve eslint's hoisted ajv 6.
const validators = new AjvJsonSchemaValidator();

/**
 * Our Tool for one tool of an MCP server. Arguments are checked against the tool's inputSchema
 * before the call, so the model gets a message naming the field instead of the server's guess.
 */
export function toTool(server: string, def: McpToolDef, call: CallMcpTool, log: Logger): Tool {
  const name = mcpToolName(server, def.name);
  const parameters: Record<string, unknown> = { ...def.inputSchema };
  // As defineTool does: some providers reject a `$schema` key in a tool's parameters.
  delete parameters.$schema;
  const validate = compile(parameters, log.child({ tool: def.name }));
  return {
    name,
    description: `[${server}] ${def.description ?? def.title ?? def.name}`,
    parameters,
    source: `mcp:${server}`,
    async execute(args, ctx) {
      const input = args ?? {};
      const checked = validate?.(input);
      if (checked && !checked.valid) {
        const { field, message } = describeAjvErrors(checked.errorMessage);
        throw new AppError('invalid_argument', `invalid arguments for ${name}: ${message}`, { field, reason: 'invalid_tool_arguments' });
      }
      if (typeof input !== 'object' || Array.isArray(input)) {
        throw new AppError('invalid_argument', `invalid arguments for ${name}: expected an object`, { field: '(arguments)', reason: 'invalid_tool_arguments' });
      }
      const result = await call(def.name, input as Record<string, unknown>, ctx.signal);
      const text = renderToolResult(result);
      if (result.isError) {
        throw new AppError('failed_precondition', `MCP tool "${def.name}" on server "${server}" failed: ${text || '(no message)'}`, { reason: 'mcp_tool_error' });
      }
      return text;
    },
  };
}

function compile(schema: Record<string, unknown>, log: Logger): JsonSchemaValidator<unknown> | undefined {
  try {
    return validators.getValidator(schema);
  } catch (err) {
    // The server still validates; we only lose the early, clearer message.
    log.warn({ err }, 'MCP tool input schema does not compile; arguments go unchecked');
    return undefined;
  }
}

/**
 * ajv says `data/a/0 must be number, data must have required property 'b'`; we say
 * `a.0: must be number, b: is required`, and name the first field.
 */
function describeAjvErrors(text: string): { field: string; message: string } {
  const parts = text.split(', data').map((part, i) => (i === 0 ? part : `data${part}`));
  const described = parts.map((part) => {
    const m = /^data(\S*) (.*)$/s.exec(part);
    if (!m) return { field: '(arguments)', message: part };
    const required = /^must have required property '(.+)'$/.exec(m[2]!);
    const pointer = required ? `${m[1]}/${required[1]}` : m[1]!;
    return { field: fieldOf(pointer), message: required ? 'is required' : m[2]! };
  });
  return { field: described[0]!.field, message: described.map((d) => `${d.field}: ${d.message}`).join(', ') };
}

function fieldOf(pointer: string): string {
  return pointer === '' ? '(arguments)' : pointer.slice(1).replace(/\//g, '.');
}
