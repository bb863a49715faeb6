import type { Logger } from '../logging/logger';

export interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
}

export interface ShutdownOptions {
  log: Logger;
  /** Steps run in order: stop intake → drain → release lease → flush. */
  steps: ShutdownStep[];
  /** Whole-shutdown budget; past it the process exits 1 so a supervisor does not wait forever. */
  timeoutMs?: number;
  /** Set when started by `cliver gateway start`: a vanished supervisor means shut down too. */
  watchParent?: boolean;
}

/**
 * Installs SIGTERM/SIGINT handlers that run the steps once and exit 0, or 1 if a step failed or
 * the budget ran out. Returns the function, so a service can also shut itself down.
 */
export function handleShutdown(options: ShutdownOptions): (why: string) => Promise<void> {
  const { log, steps, timeoutMs = 9000 } = options;
  let running: Promise<void> | undefined;
  const shutdown = (why: string): Promise<void> => {
    running ??= (async () => {
      log.info({ why }, 'shutting down');
      const timer = setTimeout(() => {
        log.error({ timeoutMs }, 'shutdown took too long; exiting');
        process.exit(1);
      }, timeoutMs);
      let failed = false;
      for (const step of steps) {
        try {
          await step.run();
        } catch (err) {
          failed = true;
          log.error({ err, step: step.name }, 'shutdown step failed');
        }
      }
      clearTimeout(timer);
      log.info({ failed }, 'stopped');
      log.flush();
      process.exit(failed ? 1 : 0);
    })();
    return running;
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  if (options.watchParent && process.send) process.once('disconnect', () => void shutdown('supervisor gone'));
  return shutdown;
}
