import { setTimeout as sleep } from 'node:timers/promises';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

export const FAKE_MCP_NAME = 'fake-mcp';

/** The stdio fake's exit code after `crash()`: unusual, so a test can tell a crash from a normal stop. */
export const CRASH_EXIT_CODE = 3;

export interface FakeMcpServerOptions {
  /** What `crash()` does: the stdio entry exits the process, the HTTP fake stops listening. */
  onCrash: () => void;
}

// A 1x1 transparent PNG, so clients can be tested on non-text content.
const PIXEL_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/**
 * The fake MCP server's tools. One instance per connection (the HTTP fake is stateless, so it
 * builds one per request); tools added with `grow` live only in that instance.
 */
export function createFakeMcpServer(options: FakeMcpServerOptions): McpServer {
  const server = new McpServer({ name: FAKE_MCP_NAME, version: '1.0.0' });

  server.registerTool(
    'add',
    { description: 'Adds two numbers.', inputSchema: { a: z.number(), b: z.number() } },
    ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }),
  );

  server.registerTool('echo', { description: 'Returns the text it is given.', inputSchema: { text: z.string() } }, ({ text }) => ({
    content: [{ type: 'text', text }],
  }));

  server.registerTool(
    'slow',
    { description: 'Waits `ms` milliseconds, then answers; stops early when the call is cancelled.', inputSchema: { ms: z.number().int().min(0) } },
    async ({ ms }, extra) => {
      // The SDK aborts extra.signal when the client sends notifications/cancelled.
      await sleep(ms, undefined, { signal: extra.signal }).catch(() => undefined);
      return { content: [{ type: 'text', text: extra.signal.aborted ? 'cancelled' : `waited ${ms} ms` }] };
    },
  );

  server.registerTool('fail', { description: 'Always answers with a tool error.' }, () => ({
    isError: true,
    content: [{ type: 'text', text: 'the fake tool failed on purpose' }],
  }));

  server.registerTool('crash', { description: 'Makes the server die without answering.' }, () => {
    options.onCrash();
    // Never settles: a dead server does not answer.
    return new Promise(() => undefined);
  });

  server.registerTool(
    'env',
    { description: "Returns the server process's environment variable `name`, or (unset).", inputSchema: { name: z.string() } },
    ({ name }) => ({ content: [{ type: 'text', text: process.env[name] ?? '(unset)' }] }),
  );

  server.registerTool('pid', { description: "Returns the server's process id." }, () => ({
    content: [{ type: 'text', text: String(process.pid) }],
  }));

  server.registerTool('image', { description: 'Returns a caption and a 1x1 PNG.' }, () => ({
    content: [
      { type: 'text', text: 'a pixel' },
      { type: 'image', data: PIXEL_PNG, mimeType: 'image/png' },
    ],
  }));

  server.registerTool(
    'grow',
    { description: 'Registers a new tool `name` (which answers "grown"), so clients see tools/list_changed.', inputSchema: { name: z.string().min(1) } },
    ({ name }) => {
      // registerTool on a connected server sends notifications/tools/list_changed by itself.
      server.registerTool(name, { description: `Added at run time by grow.` }, () => ({ content: [{ type: 'text', text: 'grown' }] }));
      return { content: [{ type: 'text', text: `registered ${name}` }] };
    },
  );

  return server;
}
