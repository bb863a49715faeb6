import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import type { ConfigProblem } from './problem';

export type EnvFiles = { homeEnvFile?: string; cwdEnvFile?: string };

function readEnvFile(file: string | undefined, warnings: ConfigProblem[]): Record<string, string | undefined> {
  if (!file) return {};
  try {
    return parseEnv(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // An absent .env file is the normal case; an unreadable one deserves a word.
    if (code !== 'ENOENT') warnings.push({ file, path: '', message: `cannot read this env file (${code ?? String(err)}); it is ignored` });
    return {};
  }
}

/**
 * The variables templates see, in the original's order: `~/.env`, then `./.env` over it, then
 * the real environment over both.
 */
export function collectEnv(
  env: Record<string, string | undefined>,
  files: EnvFiles,
  warnings: ConfigProblem[],
): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = {
    ...readEnvFile(files.homeEnvFile, warnings),
    ...readEnvFile(files.cwdEnvFile, warnings),
  };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) merged[key] = value;
  return merged;
}

/** Container-mode overrides, applied after templates: variable → config path. */
export const ENV_OVERRIDES: ReadonlyArray<{ variable: string; path: readonly string[] }> = [
  { variable: 'CLIVER_GATEWAY_HOST', path: ['gateway', 'host'] },
  { variable: 'CLIVER_GATEWAY_PORT', path: ['gateway', 'port'] },
  { variable: 'CLIVER_AGENT_CORE_ADDR', path: ['gateway', 'internal', 'agent_core'] },
  { variable: 'CLIVER_GATEWAY_API_ADDR', path: ['gateway', 'internal', 'gateway_api'] },
  { variable: 'CLIVER_ADAPTER_HOST_ADDR', path: ['gateway', 'internal', 'adapter_host'] },
  { variable: 'CLIVER_SCHEDULER_ADDR', path: ['gateway', 'internal', 'scheduler'] },
];

/**
 * Writes the set overrides into `data` (a rendered config object, changed in place) and returns
 * which variable now owns which dot path, so a bad value is reported against the variable.
 */
export function applyEnvOverrides(
  data: Record<string, unknown>,
  env: Record<string, string | undefined>,
): Map<string, string> {
  const owners = new Map<string, string>();
  for (const { variable, path } of ENV_OVERRIDES) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    const parent = ensureParent(data, path);
    // A section of the wrong type stays as written, so its own error is reported.
    if (!parent) continue;
    parent[path[path.length - 1]] = value;
    owners.set(path.join('.'), variable);
  }
  return owners;
}

function ensureParent(data: Record<string, unknown>, path: readonly string[]): Record<string, unknown> | undefined {
  let node = data;
  for (const key of path.slice(0, -1)) {
    if (node[key] === undefined || node[key] === null) node[key] = {};
    const next = node[key];
    if (typeof next !== 'object' || Array.isArray(next)) return undefined;
    node = next as Record<string, unknown>;
  }
  return node;
}
