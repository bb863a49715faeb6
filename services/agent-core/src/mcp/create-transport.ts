import type { Stream } from 'node:stream';
import { AppError, type Config } from '@cliver/common';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { childEnv } from './child-env';

/** One entry of `mcpServers` in config.yaml (cliver-formats.md §2). */
export type McpServerConfig = Config['mcpServers'][string];
export type McpTransportName = McpServerConfig['transport'];

export interface CreatedTransport {
  transport: Transport;
  /** The child's stderr (stdio only), read for the error message when the server dies. */
  stderr?: Stream | null;
}

/**
 * Builds the SDK transport for one configured server. Throws AppError with reason
 * `mcp_config_unusable` for a config that no retry can fix.
 */
export function createTransport(
  name: string,
  config: McpServerConfig,
  hostEnv: Readonly<Record<string, string | undefined>>,
): CreatedTransport {
  switch (config.transport) {
    case 'stdio': {
      const command = required(name, config, 'command', config.command);
      const transport = new StdioClientTransport({
        command,
        args: config.args ?? [],
        env: childEnv(hostEnv, config.env),
        // Piped, not inherited: a server's chatter must not land in the gateway's log stream.
        stderr: 'pipe',
      });
      return { transport, stderr: transport.stderr };
    }
    case 'streamable_http':
      return { transport: new StreamableHTTPClientTransport(url(name, config), { requestInit: { headers: config.headers ?? {} } }) };
    case 'sse':
      // requestInit headers go on the POSTs and on the event stream's GET alike.
      return { transport: new SSEClientTransport(url(name, config), { requestInit: { headers: config.headers ?? {} } }) };
    case 'websocket':
      // The SDK's WebSocket transport uses the global WebSocket, which Node has only from 22 on,
      // and it cannot send headers.
      if (typeof globalThis.WebSocket !== 'function') {
        throw unusable(name, `transport websocket needs Node 22 or later (this is ${process.version}); use streamable_http if the server offers it`);
      }
      if (config.headers && Object.keys(config.headers).length > 0) {
        throw unusable(name, 'transport websocket cannot send headers; remove them or use streamable_http');
      }
      return { transport: new WebSocketClientTransport(url(name, config)) };
  }
}

function url(name: string, config: McpServerConfig): URL {
  return new URL(required(name, config, 'url', config.url));
}

function required(name: string, config: McpServerConfig, key: 'command' | 'url', value: string | undefined): string {
  if (value === undefined || value === '') {
    throw unusable(name, `mcpServers.${name}.${key} is required for transport ${config.transport}`);
  }
  return value;
}

function unusable(name: string, message: string): AppError {
  return new AppError('failed_precondition', `MCP server "${name}": ${message}`, { reason: 'mcp_config_unusable', field: `mcpServers.${name}` });
}
