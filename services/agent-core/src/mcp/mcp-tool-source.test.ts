import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createLogger } from '@cliver/common';
import { rejectedAppError, waitFor } from '@cliver/testkit';
import type { Tool, ToolContext } from '../tools/tool';
import { McpToolSource, type McpServerConfig, type McpServerStatus } from './mcp-tool-source';

// The testkit's fake MCP server, run from source through tsx (no build needed).
const FAKE_DIR = resolve(__dirname, '../../../../test/kit/src/fake-mcp');
const FAKE_STDIO: McpServerConfig = { transport: 'stdio', command: process.execPath, args: ['--import', 'tsx', `${FAKE_DIR}/stdio-server.ts`] };
const FAST = { retryBaseMs: 100, retryMaxMs: 400, connectTimeoutMs: 15_000 };
const log = createLogger({ service: 'agent-core-test', level: 'silent' });

// Stopped after each test, so a retrying server cannot spawn processes during the next one.
const sources: McpToolSource[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.stop()));
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function startSource(servers: Record<string, McpServerConfig>, options = {}): Promise<McpToolSource> {
  const source = new McpToolSource(servers, log, { ...FAST, ...options });
  sources.push(source);
  await source.start();
  return source;
}

function ctx(signal: AbortSignal = new AbortController().signal): ToolContext {
  return { surface: 'api', signal };
}

function tool(source: McpToolSource, name: string): Tool {
  const found = source.tools().find((t) => t.name === name);
  if (!found) throw new Error(`no tool ${name}; have ${source.tools().map((t) => t.name).join(', ')}`);
  return found;
}

const failure = rejectedAppError;

/** Bounded wait for a condition: 15 s, polled every 50 ms. */
const until = (what: string, check: () => boolean | Promise<boolean>) => waitFor(check, { timeoutMs: 15_000, intervalMs: 50, what });

function status(source: McpToolSource, name: string): McpServerStatus {
  return source.statuses().find((s) => s.name === name)!;
}

describe('a stdio server', () => {
  let source: McpToolSource;
  beforeAll(async () => {
    // Planted in the gateway's environment before the child starts; it must not reach the child.
    process.env.CLIVER_CANARY_SECRET = 'canary-must-not-leak';
    source = new McpToolSource({ calc: { ...FAKE_STDIO, env: { FAKE_GIVEN: 'from-config' } } }, log, { ...FAST, callTimeoutMs: 1_000 });
    await source.start();
  }, 30_000);
  afterAll(async () => {
    delete process.env.CLIVER_CANARY_SECRET;
    await source.stop();
  });

  test('offers its tools as <server>__<tool> with the server in source and description', () => {
    const add = tool(source, 'calc__add');
    expect(add.source).toBe('mcp:calc');
    expect(add.description).toBe('[calc] Adds two numbers.');
    expect(add.parameters).toMatchObject({ type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } });
    expect(add.parameters).not.toHaveProperty('$schema');
    expect(source.statuses()).toEqual([{ name: 'calc', transport: 'stdio', state: 'connected', toolCount: source.tools().length }]);
  });

  test('runs a tool and returns its text', async () => {
    expect(await tool(source, 'calc__add').execute({ a: 2, b: 3 }, ctx())).toBe('5');
  });

  test('refuses arguments that do not match the input schema, naming the field', async () => {
    const err = await failure(tool(source, 'calc__add').execute({ a: 2, b: 'three' }, ctx()));
    expect([err.code, err.field, err.reason]).toEqual(['invalid_argument', 'b', 'invalid_tool_arguments']);
    expect(err.message).toBe('invalid arguments for calc__add: b: must be number');
    const missing = await failure(tool(source, 'calc__add').execute({ a: 2 }, ctx()));
    expect([missing.field, missing.message]).toEqual(['b', 'invalid arguments for calc__add: b: is required']);
  });

  test('turns an isError result into an AppError with the server message', async () => {
    const err = await failure(tool(source, 'calc__fail').execute({}, ctx()));
    expect([err.code, err.reason]).toEqual(['failed_precondition', 'mcp_tool_error']);
    expect(err.message).toBe('MCP tool "fail" on server "calc" failed: the fake tool failed on purpose');
  });

  test('stops a slow call promptly when the turn is cancelled', async () => {
    const turn = new AbortController();
    const startedAt = Date.now();
    setTimeout(() => turn.abort(), 100);
    const err = await failure(tool(source, 'calc__slow').execute({ ms: 10_000 }, ctx(turn.signal)));
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    expect(err.reason).toBe('mcp_call_cancelled');
    expect(await tool(source, 'calc__add').execute({ a: 1, b: 1 }, ctx())).toBe('2');
  });

  test('ends a call that outlives the call timeout', async () => {
    const err = await failure(tool(source, 'calc__slow').execute({ ms: 10_000 }, ctx()));
    expect([err.code, err.reason]).toEqual(['deadline_exceeded', 'mcp_call_timeout']);
    expect(err.message).toBe('MCP tool "slow" on server "calc" did not answer within 1000 ms');
  });

  test('summarises non-text content', async () => {
    expect(await tool(source, 'calc__image').execute({}, ctx())).toBe('a pixel\n[image: image/png, 70 bytes]');
  });

  test("gives the child only allow-listed variables and the server's own env", async () => {
    const env = (name: string) => tool(source, 'calc__env').execute({ name }, ctx());
    expect(await env('CLIVER_CANARY_SECRET')).toBe('(unset)');
    expect(await env('FAKE_GIVEN')).toBe('from-config');
    expect(await env('PATH')).toBe(process.env.PATH);
  });

  test('refreshes its tools on tools/list_changed', async () => {
    await tool(source, 'calc__grow').execute({ name: 'extra' }, ctx());
    await until('calc__extra to appear', () => source.tools().some((t) => t.name === 'calc__extra'));
    expect(await tool(source, 'calc__extra').execute({}, ctx())).toBe('grown');
  });
});

test('a crashed server loses its tools, leaves the others alone and comes back', async () => {
  const source = await startSource({ dying: FAKE_STDIO, steady: FAKE_STDIO });
  const oldAdd = tool(source, 'dying__add');

  const err = await failure(tool(source, 'dying__crash').execute({}, ctx()));
  expect([err.code, err.reason]).toEqual(['unavailable', 'mcp_server_unavailable']);
  expect(err.message).toContain('"crash" on server "dying"');
  expect(status(source, 'dying').state).not.toBe('connected');
  expect(source.tools().some((t) => t.source === 'mcp:dying')).toBe(false);
  expect((await failure(oldAdd.execute({ a: 1, b: 2 }, ctx()))).reason).toBe('mcp_server_unavailable');

  expect(status(source, 'steady').state).toBe('connected');
  expect(await tool(source, 'steady__add').execute({ a: 2, b: 2 }, ctx())).toBe('4');

  await until('dying to reconnect', () => status(source, 'dying').state === 'connected');
  expect(await tool(source, 'dying__add').execute({ a: 2, b: 3 }, ctx())).toBe('5');
}, 30_000);

test('stop() ends the stdio children', async () => {
  const source = await startSource({ calc: FAKE_STDIO });
  const pid = Number(await tool(source, 'calc__pid').execute({}, ctx()));
  await source.stop();
  expect(() => process.kill(pid, 0)).toThrow();
  expect(source.tools()).toEqual([]);
}, 30_000);

test('a streamable HTTP server works the same way', async () => {
  const url = await startHttpFake();
  const source = await startSource({ remote: { transport: 'streamable_http', url, headers: { 'x-test': '1' } } });
  expect(status(source, 'remote')).toMatchObject({ transport: 'streamable_http', state: 'connected' });
  expect(await tool(source, 'remote__add').execute({ a: 2, b: 3 }, ctx())).toBe('5');
}, 30_000);

test('one bad server is reported and retried while the good one serves', async () => {
  const logged: Array<Record<string, unknown>> = [];
  const captured = createLogger({ service: 'agent-core-test', level: 'warn', destination: { write: (line: string) => logged.push(JSON.parse(line)) } });
  const source = new McpToolSource({ bad: { transport: 'stdio', command: '/nonexistent/cliver-no-such-mcp' }, good: FAKE_STDIO }, captured, FAST);
  sources.push(source);
  await source.start();
  expect(status(source, 'bad')).toMatchObject({ state: 'failed', toolCount: 0, error: expect.stringContaining('ENOENT') });
  expect(status(source, 'good').state).toBe('connected');
  expect(await tool(source, 'good__add').execute({ a: 2, b: 3 }, ctx())).toBe('5');
  expect(source.tools().every((t) => t.source === 'mcp:good')).toBe(true);
  const retries = () => logged.filter((l) => l.mcpServer === 'bad' && l.msg === 'MCP server unavailable; will retry');
  await until('two failed attempts of bad', () => retries().length >= 2);
  expect(retries().map((l) => l.failures).slice(0, 2)).toEqual([1, 2]);
}, 30_000);

test('a server that never answers fails after the connect timeout', async () => {
  const silent: McpServerConfig = { transport: 'stdio', command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'] };
  const startedAt = Date.now();
  const source = await startSource({ silent }, { connectTimeoutMs: 300 });
  expect(Date.now() - startedAt).toBeLessThan(3_000);
  expect(status(source, 'silent')).toMatchObject({ state: 'failed', error: 'could not connect: did not complete the MCP handshake within 300 ms' });
}, 30_000);

test("a server that dies at start shows the end of its stderr in the status", async () => {
  const dies: McpServerConfig = { transport: 'stdio', command: process.execPath, args: ['-e', "console.error('missing FOO_TOKEN'); process.exit(1)"] };
  const source = await startSource({ dies });
  expect(status(source, 'dies')).toMatchObject({ state: 'failed', error: expect.stringContaining('its stderr ends with: missing FOO_TOKEN') });
}, 30_000);

const hasWebSocket = typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'function';
test('a websocket server that cannot work is reported as failed with the reason', async () => {
  const source = await startSource({ ws: { transport: 'websocket', url: 'ws://127.0.0.1:9/mcp' } });
  // Node 20 (our engine floor) has no built-in WebSocket, which the SDK's transport needs; a newer
  // Node gets as far as connecting, and nothing listens on port 9.
  await until('the websocket server to be marked failed', () => status(source, 'ws')?.state === 'failed');
  expect(status(source, 'ws')!.error).toEqual(hasWebSocket ? expect.any(String) : expect.stringContaining('Node 22'));
});

/** Starts the fake's HTTP entry point as its own process and returns its MCP URL. */
async function startHttpFake(): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', `${FAKE_DIR}/http-cli.ts`, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  await until('the HTTP fake to listen', () => /listening on (\S+)/.test(out));
  return /listening on (\S+)/.exec(out)![1]!;
}
