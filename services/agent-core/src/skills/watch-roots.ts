import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@cliver/common';

export interface WatchRootsOptions {
  /** Skill roots; those that do not exist are skipped. */
  dirs: readonly string[];
  debounceMs: number;
  logger?: Logger;
  /** Called once per burst of changes, never twice at the same time. */
  onChange: () => Promise<void>;
}

/**
 * Watches each existing root and its direct sub-folders (one per skill), which is where every
 * SKILL.md lives. This avoids `fs.watch(..., { recursive: true })`, whose Linux support differs
 * between Node versions, and skips the noise of deeper `scripts/` or `references/` folders.
 * After each burst the watched set is refreshed, so a new skill folder is watched too.
 */
export function watchRoots(options: WatchRootsOptions): () => void {
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let isStopped = false;
  let isRunning = false;
  let hasPending = false;

  const schedule = () => {
    if (isStopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void fire(), options.debounceMs);
    timer.unref();
  };

  const open = (dir: string) => {
    try {
      const watcher = watch(dir, { persistent: false }, schedule);
      watcher.on('error', (err) => {
        // A watched folder that is deleted errors on some platforms; the next refresh drops it.
        options.logger?.debug({ err, dir }, 'skill folder watcher failed');
        watcher.close();
        watchers.delete(dir);
        schedule();
      });
      watchers.set(dir, watcher);
    } catch (err) {
      options.logger?.debug({ err, dir }, 'could not watch skill folder');
    }
  };

  // Synchronous on purpose: the watchers must be in place when `watchRoots` returns, and a
  // handful of small folders costs less than the ordering problems of an async refresh.
  const refresh = () => {
    const wanted = new Set<string>();
    for (const root of options.dirs) {
      const names = listDir(root);
      if (!names) continue;
      wanted.add(root);
      for (const name of names) {
        const dir = join(root, name);
        if (isDirectory(dir)) wanted.add(dir);
      }
    }
    for (const [dir, watcher] of watchers) {
      if (!wanted.has(dir)) {
        watcher.close();
        watchers.delete(dir);
      }
    }
    for (const dir of wanted) if (!watchers.has(dir)) open(dir);
  };

  const fire = async () => {
    if (isStopped) return;
    if (isRunning) {
      hasPending = true;
      return;
    }
    isRunning = true;
    try {
      // Watch new folders first, so a SKILL.md written during the reload still triggers one.
      refresh();
      if (!isStopped) await options.onChange();
    } catch (err) {
      options.logger?.warn({ err }, 'skill reload after a file change failed');
    } finally {
      isRunning = false;
    }
    if (hasPending) {
      hasPending = false;
      schedule();
    }
  };

  refresh();
  return () => {
    isStopped = true;
    clearTimeout(timer);
    for (const watcher of watchers.values()) watcher.close();
    watchers.clear();
  };
}

function listDir(dir: string): string[] | undefined {
  try {
    return readdirSync(dir);
  } catch {
    return undefined;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
