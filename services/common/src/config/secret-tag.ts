import { z } from 'zod';
import { type AnySchema, kindOf, shapeOf, unwrap, unwrapChain } from '../validation/schema-walk';

/**
 * Schemas whose values are secrets. A registry rather than `.meta()` so the tag survives on the
 * exact schema instance we tag, without touching zod's global metadata (used for JSON Schema).
 */
const secretTags = z.registry<{ isSecret: true }>();

/** Tags a schema as holding a secret: logs redact it and the portal masks it. */
export function secret<T extends AnySchema>(schema: T): T {
  secretTags.add(schema, { isSecret: true });
  return schema;
}

function isTaggedSecret(schema: AnySchema): boolean {
  return unwrapChain(schema).some((s) => secretTags.has(s));
}

/**
 * Dot paths of every tagged field under `schema`, with `*` for map keys and list entries
 * (`providers.*.api_key`): the form pino's `redact` takes.
 */
export function listSecretPaths(schema: AnySchema, prefix = ''): string[] {
  const join = (key: string) => (prefix ? `${prefix}.${key}` : key);
  if (isTaggedSecret(schema)) return prefix ? [prefix] : [];
  const inner = unwrap(schema);
  const shape = shapeOf(inner);
  if (shape) return Object.entries(shape).flatMap(([key, child]) => listSecretPaths(child, join(key)));
  switch (kindOf(inner)) {
    case 'record':
      return listSecretPaths((inner as z.ZodRecord).valueType as AnySchema, join('*'));
    case 'array':
      return listSecretPaths((inner as z.ZodArray).element as AnySchema, join('*'));
    case 'union': {
      const paths = (inner as z.ZodUnion).options.flatMap((o) => listSecretPaths(o as AnySchema, prefix));
      return [...new Set(paths)];
    }
    default:
      return [];
  }
}

/** A secret for display: `sk-a****wxyz`; values of 8 characters or fewer show as `****`. */
export function maskSecret(value: string): string {
  if (value.length <= 8) return '****';
  return `${value.slice(0, 4)}****${value.slice(-4)}`;
}
