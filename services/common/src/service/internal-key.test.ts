import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from '../config';
import { internalKeyFile, loadInternalKey } from './internal-key';

const agentDirIn = (root: string) => ({ agentDir: join(root, 'CLIver') });
const fresh = () => agentDirIn(mkdtempSync(join(tmpdir(), 'cliver-key-')));
const mode = (path: string) => statSync(path).mode & 0o777;

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadInternalKey', () => {
  it('creates the key file once, 0600 in a 0700 folder, and every later load reads the same key', () => {
    const paths = fresh();
    const first = loadInternalKey({}, paths, { create: true })!;
    expect(first).toMatchObject({ source: internalKeyFile(paths), created: true });
    expect(first.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = internalKeyFile(paths);
    expect(mode(file)).toBe(0o600);
    expect(mode(dirname(file))).toBe(0o700);
    expect(loadInternalKey({}, paths, { create: true })).toEqual({ value: first.value, source: file, created: false });
    expect(loadInternalKey({}, paths, { create: false })?.value).toBe(first.value);
    expect(readdirSync(dirname(file))).toEqual(['internal.key']); // no temporary file left behind
  });

  it('reports no key without `create` when none was made yet', () => {
    const paths = fresh();
    expect(loadInternalKey({}, paths, { create: false })).toBeUndefined();
    expect(() => statSync(internalKeyFile(paths))).toThrow();
  });

  it('narrows a secrets folder that was made with a wider mode', () => {
    const paths = fresh();
    mkdirSync(dirname(internalKeyFile(paths)), { recursive: true });
    chmodSync(dirname(internalKeyFile(paths)), 0o755);
    loadInternalKey({}, paths, { create: true });
    expect(mode(dirname(internalKeyFile(paths)))).toBe(0o700);
  });

  it('takes the key from CLIVER_INTERNAL_KEY or CLIVER_INTERNAL_KEY_FILE (trimmed) and writes no file then', () => {
    const paths = fresh();
    const key = 'c'.repeat(40);
    expect(loadInternalKey({ CLIVER_INTERNAL_KEY: key }, paths, { create: true })).toEqual({ value: key, source: 'CLIVER_INTERNAL_KEY', created: false });
    const secret = join(mkdtempSync(join(tmpdir(), 'cliver-secret-')), 'key');
    writeFileSync(secret, `${key}\n`);
    expect(loadInternalKey({ CLIVER_INTERNAL_KEY_FILE: secret }, paths, { create: true })).toEqual({ value: key, source: secret, created: false });
    expect(() => statSync(internalKeyFile(paths))).toThrow();
  });

  it('refuses a short key, both variables at once, and a key file that is missing', () => {
    const paths = fresh();
    expect(problemOf(() => loadInternalKey({ CLIVER_INTERNAL_KEY: 'short' }, paths, { create: true }))).toBe(
      'CLIVER_INTERNAL_KEY: the internal key must be at least 32 characters (got 5); generate one with `openssl rand -base64 32`',
    );
    expect(problemOf(() => loadInternalKey({ CLIVER_INTERNAL_KEY: 'c'.repeat(40), CLIVER_INTERNAL_KEY_FILE: '/x' }, paths, { create: true }))).toBe(
      'CLIVER_INTERNAL_KEY: set either CLIVER_INTERNAL_KEY or CLIVER_INTERNAL_KEY_FILE, not both',
    );
    const missing = join(tmpdir(), 'cliver-no-such-key-file');
    expect(problemOf(() => loadInternalKey({ CLIVER_INTERNAL_KEY_FILE: missing }, paths, { create: true }))).toBe(
      `CLIVER_INTERNAL_KEY_FILE: the internal key file ${missing} does not exist`,
    );
  });

  it('refuses a key file in the data folder that was emptied, naming it', () => {
    const paths = fresh();
    mkdirSync(dirname(internalKeyFile(paths)), { recursive: true });
    writeFileSync(internalKeyFile(paths), '\n');
    expect(problemOf(() => loadInternalKey({}, paths, { create: true }))).toBe(
      `internal.key: the internal key in ${internalKeyFile(paths)} (delete the file and restart the gateway for a new one) must be at least 32 characters (got 0); generate one with \`openssl rand -base64 32\``,
    );
  });
});
