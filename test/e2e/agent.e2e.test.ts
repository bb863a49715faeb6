import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  agentCoreClients,
  call,
  ChatRequest,
  checkHealth,
  closeClients,
  internalKeyFile,
  ProtoSurface,
  readStream,
  serviceInfoClient,
  type ChatResponse,
} from '@cliver/common';
import {
  killStartedProcesses,
  makeTempHome,
  ManagedProcess,
  CLIVER_BIN,
  REPO_ROOT,
  runCliver,
  startFakeLlm,
  startGatewayProcess,
  waitFor,
  waitForHealthy,
  type FakeLlm,
  type TempHome,
} from '@cliver/testkit';

jest.setTimeout(120_000);

let fake: FakeLlm;
let home: TempHome;

function sessionOf(stderr: string): string {
  return /session (\S+) \(continue with/.exec(stderr)![1]!;
}

async function turnsOf(sessionId: string) {
  const c = agentCoreClients(`127.0.0.1:${home.ports.agentCore}`, home.internalKey());
  try {
    return (await call(c.sessions, c.sessions.getSessionTurns, { sessionId })).turns.map((t) => [t.role, t.content]);
  } finally {
    Object.values(c).forEach((x) => x.close());
  }
}

beforeAll(async () => {
  fake = await startFakeLlm();
  home = await makeTempHome({
    top: {
      default_model: 'fake/gpt-test',
      providers: { fake: { type: 'openai', api_url: fake.openaiBaseUrl, api_key: 'k', models: ['gpt-test'] } },
      mcpServers: { calc: { transport: 'stdio', command: process.execPath, args: [join(REPO_ROOT, 'test/kit/dist/fake-mcp/stdio-server.js')] } },
    },
  });
  startGatewayProcess(home);
  await waitForHealthy(home);
});

afterAll(async () => {
  await killStartedProcesses();
  await fake.close();
  home.remove();
});

beforeEach(() => fake.reset());

describe('cliver chat against the running gateway', () => {
  let sessionId: string;

  it('streams one turn and stores it as a CLI session', async () => {
    const res = await runCliver(home, ['chat', 'hello there']);
    expect(res).toMatchObject({ code: 0, stdout: 'echo: hello there\n' });
    sessionId = sessionOf(res.stderr);
    expect(await turnsOf(sessionId)).toEqual([['user', 'hello there'], ['assistant', 'echo: hello there']]);
  });

  it('continues a session with its history', async () => {
    const res = await runCliver(home, ['chat', '--session', sessionId, 'and again']);
    expect(res.code).toBe(0);
    const sent = (fake.requests.at(-1)!.body as { messages: Array<{ role: string; content: string }> }).messages;
    expect(sent.map((m) => [m.role, m.content]).slice(1)).toEqual([
      ['user', 'hello there'],
      ['assistant', 'echo: hello there'],
      ['user', 'and again'],
    ]);
  });

  it('uses a tool of an MCP server over stdio', async () => {
    const res = await runCliver(home, ['chat', '[[tool:calc__add {"a":2,"b":3}]] add them']);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('tool result: 5\n');
    expect(res.stderr).toMatch(/\[tool\] calc__add \{"a":2,"b":3\}\n\[tool\] calc__add done in \d+ ms/);
  });

  it('writes memory and creates a task through the agent\'s own tools', async () => {
    const memory = await runCliver(home, ['chat', '[[tool:MemoryWrite {"content":"likes green tea","comment":"taste"}]] remember']);
    expect(memory.stdout).toBe('tool result: Appended an entry to agent memory.\n');
    expect(readFileSync(join(home.dir, 'CLIver', 'memory.md'), 'utf8')).toMatch(/\n## \d{4}-\d\d-\d\d \d\d:\d\d — taste\nlikes green tea\n$/);

    const task = await runCliver(home, ['chat', '[[tool:CreateTask {"name":"daily_digest","prompt":"Summarise the news","schedule":"0 9 * * *"}]] schedule']);
    expect(task.stdout).toBe("tool result: Task 'daily_digest' created (schedule: 0 9 * * *)\n");
    expect(existsSync(join(home.dir, 'CLIver', 'tasks', 'daily_digest.yaml'))).toBe(true);
  });

  it('refuses an unknown model with a clear message', async () => {
    const res = await runCliver(home, ['chat', '--model', 'nope', 'hi']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("Error: The model 'nope' does not exist: no configured model is named \"nope\" (configured models: fake/gpt-test)");
  });

  it('stops a running turn on CancelChat (the portal\'s stop button) and closes the provider request', async () => {
    fake.script({ reply: { text: Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '), tokensPerSecond: 10 } });
    const c = agentCoreClients(`127.0.0.1:${home.ports.agentCore}`, home.internalKey());
    const requestId = 'stop-me-1';
    const request = ChatRequest.fromPartial({ requestId, surface: ProtoSurface.SURFACE_ADMIN, stateless: true, messages: [{ role: 'user', content: 'talk slowly' }] });
    const texts: string[] = [];
    const reading = (async () => {
      for await (const e of readStream<ChatResponse>((md, o) => c.agent.chat(request, md, o))) if (e.text) texts.push(e.text.text);
    })();
    await waitFor(() => texts.length >= 2, { what: 'the answer to start' });
    expect(await call(c.agent, c.agent.cancelChat, { requestId })).toEqual({ cancelled: true });
    await expect(reading).rejects.toMatchObject({ reason: 'cancelled' });
    await waitFor(() => fake.requests.at(-1)?.clientAborted, { what: 'the provider request to be closed' });
    expect(await call(c.agent, c.agent.cancelChat, { requestId })).toEqual({ cancelled: false });
    Object.values(c).forEach((x) => x.close());
  });

  it('keeps the session consistent when agent-core is killed mid-turn', async () => {
    const first = await runCliver(home, ['chat', 'before the crash']);
    const id = sessionOf(first.stderr);
    fake.script({ reply: { text: Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '), tokensPerSecond: 10 } });
    const chat = new ManagedProcess('chat-mid-turn', [CLIVER_BIN, 'chat', '--session', id, 'a slow answer'], home.env);
    await waitFor(() => chat.stdout.includes('w1'), { what: 'the slow answer to start streaming' });
    const info = serviceInfoClient(`127.0.0.1:${home.ports.agentCore}`, home.internalKey());
    const corePid = (await call(info, info.getServiceInfo, {})).info!.pid;
    info.close();
    process.kill(corePid, 'SIGKILL');
    expect((await chat.waitForExit()).code).toBe(1);
    await waitForHealthy(home);
    const after = await runCliver(home, ['chat', '--session', id, 'after the crash']);
    expect(after.code).toBe(0);
    expect(await turnsOf(id)).toEqual([
      ['user', 'before the crash'],
      ['assistant', 'echo: before the crash'],
      ['user', 'after the crash'],
      ['assistant', 'echo: after the crash'],
    ]);
  });
});

describe('internal gRPC calls on the running gateway', () => {
  const coreAddress = () => `127.0.0.1:${home.ports.agentCore}`;

  it('keeps the internal key in a 0600 file inside a 0700 folder of the agent\'s data folder', () => {
    const file = internalKeyFile({ agentDir: join(home.dir, 'CLIver') });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
  });

  it('refuses ListLeases and Chat on agent-core without the key or with a wrong one, and runs no turn', async () => {
    const request = ChatRequest.fromPartial({ requestId: 'keyless-1', surface: ProtoSurface.SURFACE_CLI, stateless: true, messages: [{ role: 'user', content: 'hi' }] });
    for (const [key, reason] of [[undefined, 'internal_key_missing'], ['w'.repeat(43), 'internal_key_mismatch']] as const) {
      const c = agentCoreClients(coreAddress(), key);
      try {
        await expect(call(c.lease, c.lease.listLeases, {})).rejects.toMatchObject({ code: 'unauthenticated', reason });
        const events = readStream<ChatResponse>((md, o) => c.agent.chat(request, md, o));
        await expect(events.next()).rejects.toMatchObject({ code: 'unauthenticated', reason });
      } finally {
        closeClients(c);
      }
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('serves the same calls with the key, and health checks without it', async () => {
    const c = agentCoreClients(coreAddress(), home.internalKey());
    try {
      const { leases } = await call(c.lease, c.lease.listLeases, {});
      expect(leases.map((l) => l.name)).toEqual(['adapter-host', 'agent-core', 'scheduler']);
    } finally {
      closeClients(c);
    }
    expect(await checkHealth(coreAddress())).toBe('SERVING');
  });
});

describe('cliver chat with no gateway running', () => {
  it('says so clearly', async () => {
    const idle = await makeTempHome();
    const res = await runCliver(idle, ['chat', 'anyone?']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`No gateway is running for agent CLIver (nothing answers at 127.0.0.1:${idle.ports.agentCore}). Start it with: cliver gateway start\n`);
    idle.remove();
  });
});
