// Entry point: the fake MCP server over stdio.
//   node test/kit/dist/fake-mcp/stdio-server.js
//   node --import tsx test/kit/src/fake-mcp/stdio-server.ts   (tests, without a build)
// stdout carries the protocol, so nothing else may be written there.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CRASH_EXIT_CODE, createFakeMcpServer } from './server';

async function main(): Promise<void> {
  const server = createFakeMcpServer({ onCrash: () => process.exit(CRASH_EXIT_CODE) });
  await server.connect(new StdioServerTransport());
  // The client closes stdin to stop us; exit at once instead of waiting for its SIGTERM.
  process.stdin.once('end', () => process.exit(0));
}

main().catch((err: unknown) => {
  console.error(`fake-mcp: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
