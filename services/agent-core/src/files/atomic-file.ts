import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Thrown by `writeFileAtomic(…, { exclusive: true })` when the target exists. */
export class FileExistsError extends Error {
  constructor(readonly path: string) {
    super(`${path} already exists`);
    this.name = 'FileExistsError';
  }
}

// Filesystems without hard links (some network and container mounts) answer with one of these.
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/**
 * Writes `text` to `path` so that a reader sees either the old file or the whole new one, never a
 * half-written file: a temp file in the same folder (dot-named, so folder scans skip it), flushed,
 * then moved into place. With `exclusive`, an existing file is never replaced: the temp file is
 * hard-linked to the target, which fails if the target appeared even a moment ago.
 */
export function writeFileAtomic(path: string, text: string, options: { exclusive?: boolean } = {}): void {
  const dir = dirname(path);
  // Task files, memory and results are the owner's only, like the rest of the data folder.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    if (options.exclusive) moveExclusive(temp, path);
    else renameSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}

function moveExclusive(temp: string, path: string): void {
  try {
    linkSync(temp, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new FileExistsError(path);
    if (!code || !NO_HARD_LINKS.has(code)) throw err;
    // Without hard links the check and the rename are two steps; the window is tiny.
    if (existsSync(path)) throw new FileExistsError(path);
    renameSync(temp, path);
  }
}
