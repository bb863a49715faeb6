import { createHash } from 'node:crypto';

/** The longest tool name the OpenAI and Anthropic APIs accept. */
export const MAX_TOOL_NAME_LENGTH = 64;

/**
 * The name the model sees for tool `tool` of MCP server `server`: `<server>__<tool>`, with every
 * character outside [A-Za-z0-9_-] replaced by `_` (the providers reject others). A name that is
 * too long is cut and ends in a hash of the full name, so two long names stay distinct.
 */
export function mcpToolName(server: string, tool: string): string {
  const name = `${clean(server)}__${clean(tool)}`;
  if (name.length <= MAX_TOOL_NAME_LENGTH) return name;
  const hash = createHash('sha256').update(`${server}\0${tool}`).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_TOOL_NAME_LENGTH - hash.length - 1)}_${hash}`;
}

function clean(part: string): string {
  return part.replace(/[^A-Za-z0-9_-]/g, '_');
}
