import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { fakeMcpCommand } from './entry-points';
import { startFakeMcpHttp, type FakeMcpHttp } from './http-server';
import { CRASH_EXIT_CODE } from './server';

type CallResult = Awaited<ReturnType<Client['callTool']>>;

const clients: Client[] = [];
const servers: FakeMcpHttp[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function connect(transport: StdioClientTransport | StreamableHTTPClientTransport): Promise<Client> {
  const client = new Client({ name: 'fake-mcp-test', version: '0' });
  clients.push(client);
  await client.connect(transport);
  return client;
}

function stdioTransport(env: Record<string, string> = {}): StdioClientTransport {
  const { command, args } = fakeMcpCommand('stdio-server');
  return new StdioClientTransport({ command, args, env, stderr: 'pipe' });
}

function text(result: CallResult): string {
  const content = result.content as Array<{ type: string; text?: string }>;
  return content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join('|');
}

test('the stdio fake lists its tools and answers add, echo, fail, image and env', async () => {
  const client = await connect(stdioTransport({ FAKE_VISIBLE: 'yes' }));
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name).sort()).toEqual(['add', 'crash', 'echo', 'env', 'fail', 'grow', 'image', 'pid', 'slow']);
  expect(client.getServerVersion()?.name).toBe('fake-mcp');

  expect(text(await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } }))).toBe('5');
  expect(text(await client.callTool({ name: 'echo', arguments: { text: 'hi' } }))).toBe('hi');
  const failed = await client.callTool({ name: 'fail', arguments: {} });
  expect([failed.isError, text(failed)]).toEqual([true, 'the fake tool failed on purpose']);
  expect(text(await client.callTool({ name: 'image', arguments: {} }))).toBe('a pixel|[image]');
  expect(text(await client.callTool({ name: 'env', arguments: { name: 'FAKE_VISIBLE' } }))).toBe('yes');
  expect(text(await client.callTool({ name: 'env', arguments: { name: 'FAKE_NEVER_SET' } }))).toBe('(unset)');
}, 20_000);

test('the stdio fake stops a slow call when the client cancels it', async () => {
  const client = await connect(stdioTransport());
  const started = Date.now();
  const call = client.callTool({ name: 'slow', arguments: { ms: 10_000 } }, undefined, { signal: AbortSignal.timeout(200) });
  await expect(call).rejects.toThrow();
  expect(Date.now() - started).toBeLessThan(3_000);
  // Still serving after the cancellation.
  expect(text(await client.callTool({ name: 'add', arguments: { a: 1, b: 1 } }))).toBe('2');
}, 20_000);

test('the stdio fake process exits on crash', async () => {
  const transport = stdioTransport();
  const client = await connect(transport);
  const pid = transport.pid!;
  const closed = new Promise<void>((resolve) => (client.onclose = resolve));
  await expect(client.callTool({ name: 'crash', arguments: {} })).rejects.toThrow(/closed/i);
  await closed;
  expect(() => process.kill(pid, 0)).toThrow();
}, 20_000);

test('the stdio fake announces tools added by grow', async () => {
  const client = await connect(stdioTransport());
  await client.callTool({ name: 'grow', arguments: { name: 'extra' } });
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name)).toContain('extra');
  expect(text(await client.callTool({ name: 'extra', arguments: {} }))).toBe('grown');
}, 20_000);

test('the HTTP fake serves the same tools over Streamable HTTP and stops on crash', async () => {
  const fake = await startFakeMcpHttp();
  servers.push(fake);
  expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  const client = await connect(new StreamableHTTPClientTransport(new URL(fake.url)));
  expect((await client.listTools()).tools.map((t) => t.name)).toContain('add');
  expect(text(await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } }))).toBe('5');

  await expect(client.callTool({ name: 'crash', arguments: {} })).rejects.toThrow();
  await expect(fetch(fake.url, { method: 'POST' })).rejects.toThrow();
}, 20_000);

test('the HTTP entry point prints its URL and exits with CRASH_EXIT_CODE on crash', async () => {
  const { command, args } = fakeMcpCommand('http-cli');
  const child = spawn(command, [...args, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit');
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no listening line within 15 s: ${out}`)), 15_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^fake-mcp listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)$/m.exec(out);
        if (m) resolve(m[1]!);
        if (m) clearTimeout(timer);
      });
    });
    const client = await connect(new StreamableHTTPClientTransport(new URL(url)));
    expect(text(await client.callTool({ name: 'add', arguments: { a: 40, b: 2 } }))).toBe('42');
    await expect(client.callTool({ name: 'crash', arguments: {} })).rejects.toThrow();
    expect((await exited)[0]).toBe(CRASH_EXIT_CODE);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 20_000);
