/** A content block of a tool result, narrowed to the fields we read (the SDK's union is wide). */
interface ContentBlock {
  type: string;
  text?: string;
  data?: string;
  mimeType?: string;
  uri?: string;
  name?: string;
  resource?: { uri?: string; mimeType?: string; text?: string; blob?: string };
}

export interface RenderableResult {
  content?: unknown;
  structuredContent?: unknown;
}

/**
 * The text the model gets for an MCP tool result: text blocks joined by newlines; other content
 * summarised on its own line (`[image: image/png, 1234 bytes]`), since the tool loop carries text.
 */
export function renderToolResult(result: RenderableResult): string {
  const blocks = Array.isArray(result.content) ? (result.content as ContentBlock[]) : [];
  if (blocks.length === 0 && result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  return blocks.map(renderBlock).join('\n');
}

function renderBlock(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text ?? '';
    case 'image':
    case 'audio':
      return `[${block.type}: ${block.mimeType ?? 'unknown type'}, ${base64Bytes(block.data)} bytes]`;
    case 'resource_link':
      return `[resource link: ${block.uri ?? '?'}${block.name ? ` (${block.name})` : ''}]`;
    case 'resource': {
      const res = block.resource ?? {};
      if (typeof res.text === 'string') return res.text;
      return `[resource: ${res.uri ?? '?'}, ${res.mimeType ?? 'unknown type'}, ${base64Bytes(res.blob)} bytes]`;
    }
    default:
      return `[${block.type} content]`;
  }
}

/** Decoded size of base64 text, without decoding it. */
function base64Bytes(data: string | undefined): number {
  if (!data) return 0;
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.floor((data.length * 3) / 4) - padding;
}
