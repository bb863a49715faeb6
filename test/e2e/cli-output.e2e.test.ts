import { spawn } from 'node:child_process';
import { CLIVER_BIN, makeTempHome, REPO_ROOT, type TempHome } from '@cliver/testkit';

let home: TempHome;
beforeAll(async () => {
  home = await makeTempHome();
});
afterAll(() => home.remove());

describe('cliver output into a pipe that closes early', () => {
  it('exits with the command\'s own code and no EPIPE stack (`cliver gateway status | head -0`)', async () => {
    const child = spawn(process.execPath, [CLIVER_BIN, 'gateway', 'status'], { env: home.env, cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader goes away before the command writes anything, as `head -0` would.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|Error:/);
    // 3: "Gateway is not running." (the status command's own answer), not a crash.
    expect(code).toBe(3);
  });
});
