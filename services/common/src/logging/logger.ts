import pino, { type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// Paths that hold secrets whatever the config says; the config's tagged secret paths are added.
const ALWAYS_REDACTED = [
  'authorization',
  'cookie',
  '*.authorization',
  '*.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.token',
  '*.apiKey',
  '*.api_key',
  '*.secret',
  '*.password',
];

export interface LoggerOptions {
  service: string;
  level?: LevelWithSilent;
  /** Dot paths of secret config fields (`providers.*.api_key`), from the config schema's tags. */
  redactPaths?: string[];
  /** Where to write; stdout by default. Tests pass a stream to read what was logged. */
  destination?: pino.DestinationStream;
}

/** Creates the process's one pino logger; called once, in main.ts. */
export function createLogger(options: LoggerOptions): Logger {
  // A config may be logged whole (top level) or under a key (`{ config }`): cover both.
  const paths = [...ALWAYS_REDACTED, ...(options.redactPaths ?? []).flatMap((p) => [p, `*.${p}`])];
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service, pid: process.pid },
      redact: { paths, censor: '****' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
