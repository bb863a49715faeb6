import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, formatConfigProblem, loadConfig, secretPaths, type Config } from '../config';
import { createLogger, LOG_LEVELS, type Logger } from '../logging/logger';
import { EXIT } from './exit-codes';
import { waitForGo } from '../lifecycle/shutdown';
import { processIdentity, type ServiceName } from './identity';
import type { LeaseHolder } from '../gen/cliver/v1/lease';
import { loadInternalKey } from './internal-key';

/** Where a gateway's files live, derived once from `$CLIVER_CONF_DIR`, `--config` and `--agent`. */
export interface GatewayPaths {
  confDir: string;
  configFile: string;
  agent: string;
  agentDir: string;
}

export interface ServiceContext {
  service: ServiceName;
  config: Config;
  paths: GatewayPaths;
  log: Logger;
  /** This process's internal gRPC bind address (`--listen`, else its address in config). */
  listen: string;
  identity: LeaseHolder;
  startedAtMs: number;
  /** True when started by `cliver gateway start`, which then owns restarts. */
  supervised: boolean;
  /** Resolves when this service may bind its ports (at once unless the supervisor gates it). */
  startGate: () => Promise<void>;
  /** The deployment's secret for internal gRPC calls: servers require it, clients send it. */
  internalKey: string;
}

const AGENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Resolves the home folder and config file the way the original CLIver does. */
export function resolvePaths(
  flags: { config?: string; agent?: string },
  env: NodeJS.ProcessEnv,
  defaultAgent = 'CLIver',
): GatewayPaths {
  const confDir = resolve(env.CLIVER_CONF_DIR || join(homedir(), '.cliver'));
  const configFile = resolve(flags.config ?? join(confDir, 'config.yaml'));
  const agent = flags.agent ?? defaultAgent;
  if (!AGENT_NAME.test(agent)) {
    throw new ConfigError([{ file: configFile, path: '--agent', message: `"${agent}" is not a valid agent name (letters, digits, ".", "_" and "-")` }]);
  }
  return { confDir, configFile, agent, agentDir: join(confDir, agent) };
}

const INTERNAL_KEY: Record<ServiceName, keyof Config['gateway']['internal']> = {
  'agent-core': 'agent_core',
  'gateway-api': 'gateway_api',
  'adapter-host': 'adapter_host',
  scheduler: 'scheduler',
};

/** The address others dial to reach `service`, from config (and its env overrides). */
export function internalAddress(config: Config, service: ServiceName): string {
  return config.gateway.internal[INTERNAL_KEY[service]];
}

function fail(code: number, lines: string[]): never {
  for (const line of lines) process.stderr.write(`${line}\n`);
  process.exit(code);
}

/**
 * Parses the flags every service takes, loads and validates config.yaml, and creates the
 * process's logger. A bad flag or config ends the process with exit code 2 and the problems on
 * stderr, each as `config.yaml:14 gateway.port: ...`.
 */
export function bootService(service: ServiceName, argv: string[], env: NodeJS.ProcessEnv): ServiceContext {
  const startedAtMs = Date.now();
  let flags: { config?: string; agent?: string; 'log-level'?: string; listen?: string };
  try {
    flags = parseArgs({
      args: argv,
      options: { config: { type: 'string' }, agent: { type: 'string' }, 'log-level': { type: 'string' }, listen: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    fail(EXIT.CONFIG, [`${service}: ${(err as Error).message}`, `usage: ${service} [--config PATH] [--agent NAME] [--log-level LEVEL] [--listen HOST:PORT]`]);
  }
  const level = flags['log-level'] ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    fail(EXIT.CONFIG, [`${service}: --log-level must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`]);
  }
  let config: Config;
  let paths: GatewayPaths;
  try {
    const preliminary = resolvePaths(flags, env);
    const loaded = loadConfig({
      file: preliminary.configFile,
      env,
      homeEnvFile: join(homedir(), '.env'),
      cwdEnvFile: resolve('.env'),
    });
    config = loaded.config;
    paths = resolvePaths(flags, env, config.default_agent_name);
    const log = createLogger({ service, level: level as never, redactPaths: secretPaths() });
    // Under the supervisor the same file was read, and its warnings printed, once already.
    if (env.CLIVER_SUPERVISED !== '1') for (const w of loaded.warnings) log.warn({ file: w.file, line: w.line, key: w.path }, w.message);
    const key = loadInternalKey(env, paths, { create: true })!;
    if (key.created) log.info({ file: key.source }, 'created the internal key for gRPC calls between services');
    return {
      service,
      config,
      paths,
      log,
      listen: flags.listen ?? internalAddress(config, service),
      identity: processIdentity(service, startedAtMs),
      startedAtMs,
      supervised: env.CLIVER_SUPERVISED === '1',
      startGate: env.CLIVER_WAIT_FOR_GO === '1' && process.send ? waitForGo : () => Promise.resolve(),
      internalKey: key.value,
    };
  } catch (err) {
    if (err instanceof ConfigError) fail(EXIT.CONFIG, err.problems.map(formatConfigProblem));
    throw err;
  }
}
