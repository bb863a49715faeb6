import { basename } from 'node:path';

/** One thing wrong (or doubtful) in a config file, located for a person to fix. */
export type ConfigProblem = {
  file: string;
  line?: number;
  /** Dot path of the key, map keys as written (`gateway.platforms.telegram.token`); "" for the file. */
  path: string;
  message: string;
};

/** `config.yaml:14 gateway.port: expected a number from 1 to 65535, got "eighty"`. */
export function formatConfigProblem(p: ConfigProblem): string {
  const where = `${basename(p.file)}${p.line !== undefined ? `:${p.line}` : ''}`;
  return `${where}${p.path ? ` ${p.path}` : ''}: ${p.message}`;
}

/**
 * The config cannot be used; `problems` lists every reason found, not just the first.
 * `warnings` holds what would only have been warned about (an unknown key may be the cause).
 */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  readonly warnings: ConfigProblem[];

  constructor(problems: ConfigProblem[], warnings: ConfigProblem[] = []) {
    super(problems.map(formatConfigProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
    this.warnings = warnings;
  }
}
