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

/**
 * Tells a supervising `cliver gateway start` that this service is serving. Sent over the IPC
 * channel the supervisor opened, so it cannot be mistaken for another gateway on the same ports.
 */
export function announceReady(): void {
  process.send?.({ type: 'ready' });
}

/**
 * Resolves when the supervisor says agent-core is serving (`{type: 'go'}` over IPC). Lets a
 * dependent service load its code while agent-core starts, yet bind nothing until it is known
 * that this gateway, not another one on the same ports, owns the data folder.
 */
export function waitForGo(): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (m: { type?: string }) => {
      if (m?.type !== 'go') return;
      process.removeListener('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
    // Nothing is bound yet, so a supervisor that vanished before saying go leaves nothing to clean.
    process.once('disconnect', () => process.exit(0));
  });
}
