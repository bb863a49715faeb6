import { parseArgs } from 'node:util';
import { startFakeLlm } from './server';

const USAGE = 'usage: node test/kit/dist/fake-llm/cli.js --port N [--host H]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`fake-llm: --port must be an integer 0-65535, got ${values.port}\n${USAGE}`);
    process.exit(2);
  }
  const fake = await startFakeLlm({ port, host: values.host });
  // Harnesses wait for this exact line to learn the URL (port 0 picks a free one).
  console.log(`fake-llm listening on ${fake.url}`);
  const shutdown = () => {
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  console.error(`fake-llm: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  process.exit(1);
});
