import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { describeZodIssue, formatIssuePath, issuePath } from '../validation/describe-issue';
import { applyEnvOverrides, collectEnv } from './env-sources';
import { ConfigError, type ConfigProblem } from './problem';
import { Config } from './schema';
import { renderTemplates, type TemplateUse } from './template';
import { findUnknownKeys } from './unknown-keys';
import { parseYamlSource, type YamlSource } from './yaml-source';

export type LoadConfigOptions = {
  /** Path of config.yaml. */
  file: string;
  /** The process environment (passed in: only main.ts reads process.env). */
  env: Record<string, string | undefined>;
  /** `~/.env`, read first when given. */
  homeEnvFile?: string;
  /** `./.env`, read second and overriding the first. */
  cwdEnvFile?: string;
};

export type LoadedConfig = { config: Config; file: string; warnings: ConfigProblem[] };

const KEYRING_ADVICE = 'put the secret in an environment variable and write "{{ env.NAME }}" instead';

function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? `file not found: ${file}` : `cannot read ${file} (${code ?? String(err)})`;
    throw new ConfigError([{ file, path: '', message }]);
  }
}

/** Why a templated value lost its content, and what to do about it, in words for the reader. */
function emptyReason(use: TemplateUse): { what: string; advice?: string } {
  if (use.usesKeyring) return { what: 'keyring() is not supported', advice: KEYRING_ADVICE };
  const names = use.missingEnv;
  const what =
    names.length === 1 ? `environment variable ${names[0]} is not set` : `environment variables ${names.join(', ')} are not set`;
  return { what };
}

function withAdvice(text: string, advice?: string): string {
  return advice ? `${text}; ${advice}` : text;
}

/**
 * A value that rendered empty because its variable is unset is removed, so the schema sees it
 * as absent: a required field then fails, an optional one keeps its default. Returns the reason
 * per dot path. Entries of lists stay (removing one would shift the others' positions).
 */
function unsetEmptyValues(data: unknown, uses: TemplateUse[], warn: (u: TemplateUse, m: string) => void) {
  const reasons = new Map<string, string>();
  for (const use of uses) {
    const last = use.path[use.path.length - 1];
    if (use.rendered.trim() !== '' || typeof last !== 'string') {
      warn(use, `${emptyReason(use).what}; it was rendered as an empty string`);
      continue;
    }
    let parent = data as Record<PropertyKey, unknown>;
    for (const key of use.path.slice(0, -1)) parent = parent[key] as Record<PropertyKey, unknown>;
    delete parent[last];
    const { what, advice } = emptyReason(use);
    reasons.set(formatIssuePath(use.path), withAdvice(what, advice));
  }
  return reasons;
}

/**
 * `platforms:` with every entry commented out parses as null; in YAML an empty value reads as
 * "not set", so such keys are dropped and their defaults apply (list entries are kept).
 */
function dropEmptyKeys(node: unknown): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach(dropEmptyKeys);
  for (const [key, value] of Object.entries(node)) {
    if (value === null) delete (node as Record<string, unknown>)[key];
    else dropEmptyKeys(value);
  }
}

function byLine(a: ConfigProblem, b: ConfigProblem): number {
  return (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER);
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

type Located = (path: readonly PropertyKey[], message: string) => ConfigProblem;

/**
 * Turns zod's issues into located problems. A required value that is missing because its env
 * variable is unset is reported as that, and a bad override is reported against its variable.
 */
function reportIssues(
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
  at: Located,
  unsetReasons: Map<string, string>,
  owners: Map<string, string>,
): ConfigProblem[] {
  return issues.map((issue) => {
    const path = issuePath(issue);
    const { path: dotPath, message } = describeZodIssue(issue, data, Config);
    const reason = unsetReasons.get(dotPath);
    const owner = owners.get(dotPath);
    if (reason && message.startsWith('is required')) return at(path, reason);
    if (owner) return { ...at(path, `${message} (from environment variable ${owner})`), line: undefined };
    return at(path, message);
  });
}

/**
 * Reads config.yaml as the original CLIver did (env files, then templates), applies the
 * container-mode env overrides and validates the result. Every problem is collected before
 * throwing, so one run shows them all. Throws ConfigError; returns warnings that did not stop it.
 */
export function loadConfig(opts: LoadConfigOptions): LoadedConfig {
  const { file } = opts;
  const parsed = parseYamlSource(readConfigText(file), { version: '1.1' });
  if (!parsed.ok) throw new ConfigError(parsed.errors.map((e) => ({ file, line: e.line, path: '', message: e.message })));
  const source: YamlSource = parsed.source;
  const at: Located = (path, message) => ({ file, line: source.lineOf(path), path: formatIssuePath(path), message });

  const warnings: ConfigProblem[] = [];
  const env = collectEnv(opts.env, opts, warnings);
  const rendered = renderTemplates(source.data ?? {}, env);
  const data = rendered.value;
  dropEmptyKeys(data);
  const unsetReasons = unsetEmptyValues(data, rendered.uses, (u, m) => warnings.push(at(u.path, m)));
  const isObject = data !== null && typeof data === 'object' && !Array.isArray(data);
  const owners = isObject ? applyEnvOverrides(data as Record<string, unknown>, env) : new Map<string, string>();
  for (const u of findUnknownKeys(Config, data)) {
    const hint = u.suggestion ? ` (did you mean "${u.suggestion}"?)` : '';
    warnings.push(at(u.path, `unknown key "${u.key}"${hint}`));
  }

  const result = Config.safeParse(data);
  const issues = result.success ? [] : result.error.issues;
  const errors = [...rendered.failures.map((f) => at(f.path, f.message)), ...reportIssues(issues, data, at, unsetReasons, owners)];
  if (errors.length || !result.success) throw new ConfigError(dedupe(errors).sort(byLine), dedupe(warnings).sort(byLine));
  for (const use of rendered.uses) {
    const path = formatIssuePath(use.path);
    if (!unsetReasons.has(path) || owners.has(path)) continue;
    const { what, advice } = emptyReason(use);
    warnings.push(at(use.path, withAdvice(`${what}, so this setting is left unset`, advice)));
  }
  return { config: result.data, file, warnings: dedupe(warnings).sort(byLine) };
}
