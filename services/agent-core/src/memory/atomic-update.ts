import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../files/atomic-file';

// One queue per file for the whole process: two AgentMemory objects (two agents) share the
// global memory.md, so a lock kept per object would not stop them losing each other's entries.
const queues = new Map<string, Promise<unknown>>();

/** The file's text, or '' when it does not exist. */
export async function readTextOrEmpty(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

/**
 * Replaces a file's text with `update(current)`. Updates of one path run one at a time in this
 * process (read-modify-write must not interleave), and each lands atomically through
 * writeFileAtomic, so a crash never leaves a half-written file. Other processes are not locked out.
 */
export function updateFileAtomically(path: string, update: (current: string) => string): Promise<void> {
  const key = resolve(path);
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => writeUpdate(key, update));
  queues.set(key, next);
  // Drop the queue entry once idle so the map does not grow with every file ever written.
  void next.catch(() => undefined).finally(() => {
    if (queues.get(key) === next) queues.delete(key);
  });
  return next;
}

async function writeUpdate(path: string, update: (current: string) => string): Promise<void> {
  writeFileAtomic(path, update(await readTextOrEmpty(path)));
}
