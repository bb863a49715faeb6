import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  ConfigError,
  EXIT,
  formatConfigProblem,
  loadConfig,
  loadInternalKey,
  resolvePaths,
  writeStarterConfig,
  type Config,
  type GatewayPaths,
} from '@cliver/common';

export interface GlobalFlags {
  agent?: string;
  config?: string;
  logLevel?: string;
}

export interface CliContext {
  config: Config;
  paths: GatewayPaths;
  flags: GlobalFlags;
}

/** Prints to the terminal (the CLI's job, unlike the services, which only log). */
export const say = (line: string): void => void process.stdout.write(`${line}\n`);
export const complain = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * Loads config.yaml as the services will. `gateway start` (`forStart`) creates a commented starter
 * config on a fresh machine first, and prints the config's warnings: once per start, by the one
 * process that starts everything, not again by each service or by every status and stop.
 */
export function cliContext(flags: GlobalFlags, forStart = false): CliContext {
  const createIfMissing = forStart;
  try {
    const first = resolvePaths(flags, process.env);
    if (createIfMissing && !flags.config && !existsSync(first.configFile)) {
      writeStarterConfig(first.configFile);
      say(`Created a starter config at ${first.configFile}`);
    }
    const { config, warnings } = loadConfig({
      file: first.configFile,
      env: process.env,
      homeEnvFile: join(homedir(), '.env'),
      cwdEnvFile: resolve('.env'),
    });
    if (forStart) for (const w of warnings) complain(`warning: ${formatConfigProblem(w)}`);
    return { config, paths: resolvePaths(flags, process.env, config.default_agent_name), flags };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) complain(formatConfigProblem(p));
    process.exit(EXIT.CONFIG);
  }
}

/**
 * The gateway's internal key, as its services find it (service/internal-key.ts), for the CLI's
 * own gRPC calls. With `create` (gateway start) a missing key file is generated before the
 * services start; otherwise undefined means no gateway ever ran here, and calls go without it.
 */
export function internalKeyOf(ctx: CliContext, create = false): string | undefined {
  try {
    return loadInternalKey(process.env, ctx.paths, { create })?.value;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) complain(formatConfigProblem(p));
    process.exit(EXIT.CONFIG);
  }
}

/** The flags a supervised child gets, so every service reads the same config as the CLI. */
export function childArgs(ctx: CliContext): string[] {
  return ['--config', ctx.paths.configFile, '--agent', ctx.paths.agent, '--log-level', ctx.flags.logLevel ?? 'info'];
}

export function logFileOf(ctx: CliContext): string {
  return ctx.config.gateway.log_file ?? join(ctx.paths.confDir, 'gateway.log');
}
