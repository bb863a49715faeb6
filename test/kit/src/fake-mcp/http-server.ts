import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createFakeMcpServer } from './server';

export interface FakeMcpHttpOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** What `crash()` does; by default the fake drops every connection and stops listening. */
  onCrash?: () => void;
}

export interface FakeMcpHttp {
  /** The MCP endpoint, e.g. `http://127.0.0.1:40123/mcp`. */
  url: string;
  close(): Promise<void>;
}

/**
 * The fake MCP server over Streamable HTTP, on 127.0.0.1. Stateless: every POST gets a fresh
 * server and transport, so there are no sessions and no server-to-client stream (GET is 405).
 */
export async function startFakeMcpHttp(options: FakeMcpHttpOptions = {}): Promise<FakeMcpHttp> {
  const http = createServer();
  const close = () =>
    new Promise<void>((resolve) => {
      http.closeAllConnections();
      http.close(() => resolve());
    });
  const onCrash = options.onCrash ?? (() => void close());

  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (new URL(req.url ?? '/', 'http://fake').pathname !== '/mcp') {
      res.writeHead(404).end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    void handlePost(req, res, onCrash);
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/mcp`, close };
}

async function handlePost(req: IncomingMessage, res: ServerResponse, onCrash: () => void): Promise<void> {
  const server = createFakeMcpServer({ onCrash });
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  try {
    await server.connect(transport);
    await transport.handleRequest(req, res);
  } catch (err) {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(err instanceof Error ? err.message : String(err));
  }
}
