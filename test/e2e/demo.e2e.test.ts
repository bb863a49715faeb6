import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import OpenAI from 'openai';
import { killStartedProcesses, ManagedProcess, REPO_ROOT, waitFor } from '@cliver/testkit';

jest.setTimeout(90_000);

afterAll(() => killStartedProcesses());

// `npm run demo` is a newcomer's first contact: every hint it prints must run as printed.
describe('npm run demo', () => {
  let demo: ManagedProcess;
  let hints: Map<string, string>;

  beforeAll(async () => {
    demo = new ManagedProcess('demo', [join(REPO_ROOT, 'scripts', 'demo.js')], { ...process.env });
    await waitFor(() => demo.stdout.includes('Press Ctrl-C to stop.'), { timeoutMs: 60_000, what: 'the demo hints' });
    hints = new Map(
      demo.stdout.split('\n').flatMap((line) => {
        const m = /^ {2}([\w ]+?):\s+(.*)$/.exec(line);
        return m ? [[m[1]!, m[2]!]] : [];
      }),
    );
  });

  afterAll(async () => {
    demo.kill('SIGTERM');
    await demo.waitForExit(20_000);
  });

  const sh = (line: string) => execFileSync('bash', ['-c', line], { encoding: 'utf8', timeout: 30_000 });

  it('prints a chat line that answers when pasted into a shell', () => {
    expect(sh(hints.get('chat')!)).toContain('echo: hello there');
  });

  it('prints a telegram line that talks to the demo Telegram bot and prints its answer', () => {
    expect(sh(hints.get('telegram')!)).toBe('bot: echo: hello bot\n');
  });

  it('prints a tool line that runs the tool', () => {
    expect(sh(`${hints.get('tools')!} 2>&1`)).toContain('[tool] MemoryWrite');
  });

  it('prints a /v1 curl line and a base URL that the official client can use', async () => {
    expect(JSON.parse(sh(hints.get('api')!)).choices[0].message.content).toBe('echo: hello from curl');
    const baseURL = /base URL (\S+)/.exec(hints.get('OpenAI clients')!)![1]!;
    const client = new OpenAI({ apiKey: 'anything', baseURL, maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: 'demo/echo', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]!.message.content).toBe('echo: hi');
  });

  it('stops cleanly on Ctrl-C', async () => {
    demo.kill('SIGINT');
    expect(await demo.waitForExit(20_000)).toEqual({ code: 0, signal: null });
  });
});
