import { secretPaths, type Config } from '@cliver/common';

/** Returns the text with every known secret replaced by a mask that names its config key. */
export type Redact = (text: string) => string;

export interface KnownSecret {
  /** Where config.yaml holds it, e.g. `providers.openai.api_key`. */
  path: string;
  value: string;
}

export const noRedaction: Redact = (text) => text;

// A value this short also occurs inside ordinary words ("k", "none"), so it is masked only where
// it stands alone; a longer one is masked wherever it appears, glued to other text or not.
const SHORT = 8;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The forms a secret takes when an upstream echoes it: as sent, URL-encoded, JSON-escaped. */
function variants(value: string): string[] {
  return [...new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])];
}

function valuesAt(node: unknown, keys: string[], path: string): KnownSecret[] {
  if (keys.length === 0) return typeof node === 'string' && node !== '' ? [{ path, value: node }] : [];
  if (node === null || typeof node !== 'object') return [];
  const [key, ...rest] = keys;
  const entries = key === '*' ? Object.entries(node) : [[key, (node as Record<string, unknown>)[key]] as const];
  return entries.flatMap(([k, child]) => valuesAt(child, rest, path ? `${path}.${k}` : k));
}

/** Every non-empty value at a secret-tagged path of the loaded config (`secretPaths()`). */
export function configSecrets(config: Config): KnownSecret[] {
  return secretPaths().flatMap((p) => valuesAt(config, p.split('.'), ''));
}

/** A redactor for the given secrets; longer values are matched first, so one never leaves part of another. */
export function redactorOf(secrets: KnownSecret[]): Redact {
  const pathOf = new Map<string, string>();
  for (const s of secrets) for (const v of variants(s.value)) if (!pathOf.has(v)) pathOf.set(v, s.path);
  if (pathOf.size === 0) return noRedaction;
  const alternatives = [...pathOf.keys()]
    .sort((a, b) => b.length - a.length)
    .map((v) => (v.length < SHORT ? `(?<![A-Za-z0-9_-])${escapeRegExp(v)}(?![A-Za-z0-9_-])` : escapeRegExp(v)));
  const pattern = new RegExp(alternatives.join('|'), 'g');
  return (text) => text.replace(pattern, (found) => `[redacted ${pathOf.get(found) ?? 'secret'}]`);
}

/**
 * Masks every secret of config.yaml (provider keys, platform tokens, MCP env and headers…) in
 * text that leaves agent-core, such as an upstream's error message that quotes our api_key.
 */
export function secretRedactor(config: Config): Redact {
  return redactorOf(configSecrets(config));
}

/** Both redactions, one after the other. */
export function chainRedactors(first: Redact, second: Redact): Redact {
  if (first === noRedaction) return second;
  if (second === noRedaction) return first;
  return (text) => second(first(text));
}
