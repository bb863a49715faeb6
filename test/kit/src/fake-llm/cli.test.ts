import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../../../..');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Runs cli.ts from source through tsx, as the built cli.js would run, and waits for its one line. */
async function startCli(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'cli.ts'), '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no listening line within 15 s; stdout=${out} stderr=${err}`)), 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^fake-llm listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.once('exit', (code) => fail(new Error(`cli exited with ${code}; stderr=${err}`)));
  });
  return { child, url };
}

test.each(['SIGTERM', 'SIGINT'] as const)('the CLI prints its URL, serves the control API and exits 0 on %s', async (signal) => {
  const { child, url } = await startCli();
  const res = await fetch(`${url}/_control/requests`);
  expect([res.status, await res.json()]).toEqual([200, []]);
  const exited = once(child, 'exit');
  child.kill(signal);
  expect(await exited).toEqual([0, null]);
}, 20_000);
