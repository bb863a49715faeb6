import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../config';

/**
 * The per-deployment secret every internal gRPC call carries (rpc/internal-auth.ts), so that a
 * local process or a container on the internal network cannot run turns or take leases without
 * it. Where it comes from, first match wins:
 * - `CLIVER_INTERNAL_KEY`: the key itself (container mode; at least 32 characters, for example
 *   `openssl rand -base64 32`). Every container of one deployment must get the same value.
 * - `CLIVER_INTERNAL_KEY_FILE`: a file holding it (container mode with a mounted secret, such as
 *   `/run/secrets/cliver_internal_key`); surrounding whitespace is ignored.
 * - `<agent folder>/secrets/internal.key` (process mode): created with mode 0600 in a 0700
 *   folder by whichever process of the gateway starts first (the supervisor, or a service started
 *   alone), and read by all the others.
 */
export const INTERNAL_KEY_ENV = 'CLIVER_INTERNAL_KEY';
export const INTERNAL_KEY_FILE_ENV = 'CLIVER_INTERNAL_KEY_FILE';
/**
 * Set (to 1) where the services do not share a data folder (containers): there a key file made
 * by one service would differ from another's, so the key must come from the environment.
 */
export const INTERNAL_KEY_REQUIRED_ENV = 'CLIVER_INTERNAL_KEY_REQUIRED';
const MIN_KEY_LENGTH = 32;

export interface InternalKey {
  value: string;
  /** Where the key came from, for logs and messages (never the key itself). */
  source: string;
  /** True when this call generated the key file. */
  created: boolean;
}

/** The key file of process mode. */
export function internalKeyFile(paths: { agentDir: string }): string {
  return join(paths.agentDir, 'secrets', 'internal.key');
}

function problem(file: string, message: string): ConfigError {
  return new ConfigError([{ file, path: '', message }]);
}

// `file` is what the message is filed under (a variable's name or a path), `what` names the key.
function checked(value: string, file: string, what: string): string {
  if (value.length < MIN_KEY_LENGTH) {
    throw problem(file, `${what} must be at least ${MIN_KEY_LENGTH} characters (got ${value.length}); generate one with \`openssl rand -base64 32\``);
  }
  return value;
}

function readKeyFile(file: string, what: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw problem(file, `cannot read ${what}: ${(err as Error).message}`);
  }
  return checked(text.trim(), file, what);
}

/**
 * Writes a fresh key to `file` unless another process got there first; returns whether this
 * call wrote it. The key is written and synced under a temporary name, then hard-linked into
 * place: a link never replaces an existing file, so two processes starting at once agree on one
 * key, and nobody ever reads a half-written one.
 */
function createKeyFile(file: string): boolean {
  const dir = dirname(file);
  mkdirSync(dirname(dir), { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700); // also when the folder was made earlier with a wider mode
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `${randomBytes(32).toString('base64url')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(temp);
  }
}

/**
 * Finds this deployment's internal key (see above). With `create`, a missing key file is
 * generated; without it, undefined means there is none yet (no gateway ever started here).
 * Throws ConfigError when a configured key is unusable.
 */
export function loadInternalKey(env: NodeJS.ProcessEnv, paths: { agentDir: string }, opts: { create: boolean }): InternalKey | undefined {
  const direct = env[INTERNAL_KEY_ENV];
  const fromFile = env[INTERNAL_KEY_FILE_ENV];
  if (direct && fromFile) throw problem(INTERNAL_KEY_ENV, `set either ${INTERNAL_KEY_ENV} or ${INTERNAL_KEY_FILE_ENV}, not both`);
  if (direct) return { value: checked(direct.trim(), INTERNAL_KEY_ENV, 'the internal key'), source: INTERNAL_KEY_ENV, created: false };
  if (fromFile) {
    const value = readKeyFile(fromFile, `the internal key in ${fromFile} (${INTERNAL_KEY_FILE_ENV})`);
    if (value === undefined) throw problem(INTERNAL_KEY_FILE_ENV, `the internal key file ${fromFile} does not exist`);
    return { value, source: fromFile, created: false };
  }
  if (env[INTERNAL_KEY_REQUIRED_ENV] === '1') {
    throw problem(INTERNAL_KEY_ENV, `${INTERNAL_KEY_ENV} is not set; every service of this deployment needs the same value (generate one with \`openssl rand -base64 32\` and put it in .env)`);
  }
  const file = internalKeyFile(paths);
  const what = `the internal key in ${file} (delete the file and restart the gateway for a new one)`;
  const existing = readKeyFile(file, what);
  if (existing !== undefined) return { value: existing, source: file, created: false };
  if (!opts.create) return undefined;
  const created = createKeyFile(file);
  return { value: readKeyFile(file, what)!, source: file, created };
}
