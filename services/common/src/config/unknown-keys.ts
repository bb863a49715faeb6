import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import {
  type AnySchema,
  kindOf,
  pickUnionOption,
  shapeOf,
  unwrap,
  unwrapChain,
} from '../validation/schema-walk';

/**
 * How an object schema treats keys it does not declare. By default a strict-looking object
 * (`z.object`) reports them and a loose one (`z.looseObject`) keeps them quietly.
 */
export type KeyPolicy = {
  /** Keys the original accepted under another name; they load silently. */
  legacyKeys?: readonly string[];
  /** For loose objects that are strict only sometimes (a built-in platform, not a custom one). */
  reportUnknownWhen?: (value: Record<string, unknown>) => boolean;
};

/** Key policies, attached to object schemas in the config schema. */
export const keyPolicies = z.registry<KeyPolicy>();

/** A key the schema does not know, with the closest known key when one is near enough. */
export type UnknownKey = { path: PropertyKey[]; key: string; suggestion?: string };

function policyOf(schema: AnySchema): KeyPolicy | undefined {
  for (const s of unwrapChain(schema)) {
    const policy = keyPolicies.get(s);
    if (policy) return policy;
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The known key a typo most likely meant, if any is close (edit distance ≤ a third of it, min 2). */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  if (!known.length) return undefined;
  const best = closest(key, [...known]);
  const limit = Math.max(2, Math.floor(key.length / 3));
  return distance(key.toLowerCase(), best.toLowerCase()) <= limit ? best : undefined;
}

/**
 * Walks a value alongside its schema and lists the keys nobody knows. These become warnings,
 * never errors: a file written for a newer or older CLIver must still load.
 */
export function findUnknownKeys(schema: AnySchema, value: unknown, path: PropertyKey[] = []): UnknownKey[] {
  const inner = unwrap(schema);
  const shape = shapeOf(inner);
  if (shape) return isPlainObject(value) ? unknownInObject(schema, shape, value, path) : [];
  switch (kindOf(inner)) {
    case 'record':
      if (!isPlainObject(value)) return [];
      return Object.entries(value).flatMap(([key, v]) =>
        findUnknownKeys((inner as z.ZodRecord).valueType as AnySchema, v, [...path, key]),
      );
    case 'array':
      if (!Array.isArray(value)) return [];
      return value.flatMap((v, i) => findUnknownKeys((inner as z.ZodArray).element as AnySchema, v, [...path, i]));
    case 'union':
      return findUnknownKeys(pickUnionOption((inner as z.ZodUnion).options as AnySchema[], value), value, path);
    default:
      return [];
  }
}

function unknownInObject(
  schema: AnySchema,
  shape: Record<string, AnySchema>,
  value: Record<string, unknown>,
  path: PropertyKey[],
): UnknownKey[] {
  const policy = policyOf(schema);
  const isLoose = (unwrap(schema) as z.ZodObject)._zod.def.catchall !== undefined;
  const report = policy?.reportUnknownWhen ? policy.reportUnknownWhen(value) : !isLoose;
  const known = Object.keys(shape);
  const found: UnknownKey[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (Object.hasOwn(shape, key)) found.push(...findUnknownKeys(shape[key], child, [...path, key]));
    else if (report && !policy?.legacyKeys?.includes(key)) {
      found.push({ path: [...path, key], key, suggestion: suggestKey(key, known) });
    }
  }
  return found;
}
