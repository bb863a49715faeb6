import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDENTITY_PROMPT_MAX_CHARS, identityPrompt, readIdentity } from './identity';
import { FIXTURE_HOME } from '@cliver/testkit';

const FIXTURE_AGENT = join(FIXTURE_HOME, 'CLIver');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cliver-identity-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('identityPrompt', () => {
  it('injects the fixture identity unchanged', async () => {
    const identity = readFileSync(join(FIXTURE_AGENT, 'identity.md'), 'utf8');
    expect(await identityPrompt(FIXTURE_AGENT)).toBe(`# Identity Profile\n\n${identity.trim()}`);
    expect(await readIdentity(FIXTURE_AGENT)).toBe(identity);
  });

  it('keeps the first 1,500 characters of a long profile', async () => {
    const text = `START${'x'.repeat(2000)}END`;
    writeFileSync(join(dir, 'identity.md'), text);
    const prompt = await identityPrompt(dir);
    expect(prompt.startsWith(`# Identity Profile\n\n${text.slice(0, IDENTITY_PROMPT_MAX_CHARS)}`)).toBe(true);
    expect(prompt).not.toContain('END');
    expect(prompt).not.toContain(text.slice(0, IDENTITY_PROMPT_MAX_CHARS + 1));
  });

  it('is empty when identity.md is missing or blank', async () => {
    expect(await identityPrompt(dir)).toBe('');
    writeFileSync(join(dir, 'identity.md'), '\n  \n');
    expect(await identityPrompt(dir)).toBe('');
  });
});
