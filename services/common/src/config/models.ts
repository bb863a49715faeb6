/** The result of looking a model reference up among the configured model ids. */
export type ModelLookup =
  | { kind: 'found'; id: string }
  | { kind: 'not_found' }
  | { kind: 'ambiguous'; ids: string[] };

type ProvidersLike = Record<string, { models?: ReadonlyArray<string | { name?: unknown }> } | undefined>;

/**
 * Every configured model id, `<provider>/<name>`, in file order. Tolerates half-valid input
 * because the schema calls it while reporting other problems in the same file.
 */
export function listModelIds(providers: unknown): string[] {
  if (!providers || typeof providers !== 'object') return [];
  const ids: string[] = [];
  for (const [provider, entry] of Object.entries(providers as ProvidersLike)) {
    const models = entry && Array.isArray(entry.models) ? entry.models : [];
    for (const model of models) {
      const name = typeof model === 'string' ? model : model && typeof model.name === 'string' ? model.name : '';
      if (name) ids.push(`${provider}/${name}`);
    }
  }
  return ids;
}

/**
 * Finds a model the way the original CLIver did: the exact id, else the one id ending in
 * `/<ref>` (so "gpt-4o" finds "openai/gpt-4o" unless another provider also has a "gpt-4o").
 */
export function findModelId(ids: readonly string[], ref: string): ModelLookup {
  if (ids.includes(ref)) return { kind: 'found', id: ref };
  const matches = ids.filter((id) => id.endsWith(`/${ref}`));
  if (matches.length === 1) return { kind: 'found', id: matches[0] };
  if (matches.length === 0) return { kind: 'not_found' };
  return { kind: 'ambiguous', ids: matches };
}

/** Why a model reference does not resolve, as a config or request message. */
export function describeModelLookupFailure(ref: string, lookup: ModelLookup, ids: readonly string[]): string {
  if (lookup.kind === 'ambiguous') {
    return `"${ref}" matches several models (${lookup.ids.join(', ')}); write the full id`;
  }
  const known = ids.length ? `configured models: ${ids.join(', ')}` : 'no models are configured under providers';
  return `no configured model is named "${ref}" (${known})`;
}
