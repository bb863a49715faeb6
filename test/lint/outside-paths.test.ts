import { join } from 'node:path';
import { ESLint } from 'eslint';
import { REPO_ROOT } from '@cliver/testkit';

// Loaded with require: ESLint's own loader imports the file dynamically, which jest cannot do.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require(join(REPO_ROOT, 'eslint.config.js'));

// The repository's own lint configuration, run on snippets: a test that reads a path outside the
// repository must fail `npm run lint`, which CI runs before the tests.
async function problems(code: string, file = 'services/agent-core/src/example.test.ts'): Promise<string[]> {
  const eslint = new ESLint({ cwd: REPO_ROOT, overrideConfigFile: true, overrideConfig: config });
  const [result] = await eslint.lintText(code, { filePath: `${REPO_ROOT}/${file}` });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

// The forbidden paths are assembled here, so that this file does not hold what it tests for.
const machineDir = (...parts: string[]) => ['', ...parts].join('/');
const sibling = ['..', 'shared'].join('/');

describe('the lint rule against paths outside the repository', () => {
  it.each([
    [`const FIXTURE = '${machineDir('work', 'shared', 'fixtures', 'config.yaml')}';`],
    [`const dir = \`${machineDir('home', 'alice', '.cliver')}/\${'x'}\`;`],
    [`const file = join(__dirname, '../../../${sibling}/fixtures/x.yaml');`],
    [`const file = '${sibling}';`],
  ])('refuses %s in a test', async (code) => {
    expect(await problems(code)).toEqual([expect.stringContaining('Tests and scripts read nothing outside the repository')]);
  });

  it('refuses it in the test kit and in scripts too', async () => {
    expect(await problems(`export const X = '${machineDir('root', 'data')}';`, 'test/kit/src/harness/x.ts')).toHaveLength(1);
    expect(await problems(`const X = '${machineDir('work', 'shared')}';`, 'scripts/x.js')).toHaveLength(1);
  });

  it('allows paths inside the repository, temporary folders, and URL paths', async () => {
    const code = [
      "const a = join(FIXTURE_HOME, 'config.yaml');",
      "const b = join(tmpdir(), 'cliver-');",
      "const c = '/v1/chat/completions';",
      "const d = '/usr/bin/chromium';",
      "const e = '../kit/src/index';",
    ].join('\n');
    expect(await problems(code)).toEqual([]);
  });
});
