// Entry point: the Streamable HTTP fake MCP server as its own process, for tests outside testkit
// and for a server that really dies on `crash()`.
//   node test/kit/dist/fake-mcp/http-cli.js [--port N]
//   node --import tsx test/kit/src/fake-mcp/http-cli.ts [--port N]
import { parseArgs } from 'node:util';
import { startFakeMcpHttp } from './http-server';
import { CRASH_EXIT_CODE } from './server';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' } }, strict: true });
  const port = Number(values.port ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer 0-65535, got ${values.port}`);
  const fake = await startFakeMcpHttp({ port, onCrash: () => process.exit(CRASH_EXIT_CODE) });
  // Harnesses wait for this exact line to learn the URL (port 0 picks a free one).
  console.log(`fake-mcp listening on ${fake.url}`);
  const shutdown = () => void fake.close().then(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  console.error(`fake-mcp: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
