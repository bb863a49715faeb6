import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@cliver/testkit';

const run = promisify(execFile);

// The services of a process-mode gateway start together and each makes the internal key if it
// is missing: they must still end up with one key between them.
it('processes that start at once all load the same internal key, made by exactly one of them', async () => {
  const agentDir = join(mkdtempSync(join(tmpdir(), 'cliver-key-race-')), 'CLIver');
  const script = `
    const { loadInternalKey } = require(${JSON.stringify(join(REPO_ROOT, 'services/common/dist/service/internal-key.js'))});
    const key = loadInternalKey({}, { agentDir: ${JSON.stringify(agentDir)} }, { create: true });
    process.stdout.write(JSON.stringify({ value: key.value, created: key.created }));
  `;
  const results = await Promise.all(Array.from({ length: 8 }, () => run(process.execPath, ['-e', script])));
  const keys = results.map((r) => JSON.parse(r.stdout) as { value: string; created: boolean });
  expect(new Set(keys.map((k) => k.value)).size).toBe(1);
  expect(keys.filter((k) => k.created)).toHaveLength(1);
  expect(readdirSync(join(agentDir, 'secrets'))).toEqual(['internal.key']);
  rmSync(join(agentDir, '..'), { recursive: true, force: true });
});
