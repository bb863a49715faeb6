import type { z } from 'zod';

/** Any zod v4 schema, seen through its core definition (what the walkers below switch on). */
export type AnySchema = z.core.$ZodType;

function defOf(schema: AnySchema): z.core.$ZodTypes['_zod']['def'] {
  return (schema as z.core.$ZodTypes)._zod.def;
}

/** The kind of a schema ("object", "string", "pipe"…), as zod names it. */
export function kindOf(schema: AnySchema): string {
  return defOf(schema).type;
}

/**
 * The wrappers a walker looks through to reach the schema that decides a value's shape. A pipe
 * whose input is a transform is a `z.preprocess`, so its output schema is the real one.
 */
export function innerSchemaOf(schema: AnySchema): AnySchema | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return def.innerType;
    case 'lazy':
      return def.getter();
    case 'pipe':
      return kindOf(def.in) === 'transform' ? def.out : def.in;
    default:
      return undefined;
  }
}

/** `schema` and every wrapper-free schema under it, outermost first. */
export function unwrapChain(schema: AnySchema): AnySchema[] {
  const chain = [schema];
  for (let inner = innerSchemaOf(schema); inner; inner = innerSchemaOf(inner)) chain.push(inner);
  return chain;
}

/** The schema that decides the shape of a value: `schema` without its wrappers. */
export function unwrap(schema: AnySchema): AnySchema {
  const chain = unwrapChain(schema);
  return chain[chain.length - 1];
}

function valueKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

function acceptsKind(schema: AnySchema, kind: string): boolean {
  const k = kindOf(unwrap(schema));
  if (kind === 'object') return k === 'object' || k === 'record';
  return k === kind;
}

/**
 * For a union, the option a value was meant for: the first whose shape matches the value's kind,
 * else the first option (so a walker still has something to describe).
 */
export function pickUnionOption(options: readonly AnySchema[], value: unknown): AnySchema {
  const kind = valueKind(value);
  return options.find((o) => acceptsKind(o, kind)) ?? options[0];
}

/** The object shape of a schema, if it (unwrapped) is an object. */
export function shapeOf(schema: AnySchema): Record<string, AnySchema> | undefined {
  const def = defOf(unwrap(schema));
  return def.type === 'object' ? (def.shape as Record<string, AnySchema>) : undefined;
}

/** The schema of `key` inside `schema`, given the value found there (to choose union options). */
export function childSchema(schema: AnySchema, key: PropertyKey, value: unknown): AnySchema | undefined {
  const def = defOf(unwrap(schema));
  switch (def.type) {
    case 'object':
      return (def.shape as Record<string, AnySchema>)[String(key)] ?? def.catchall;
    case 'record':
      return def.valueType;
    case 'array':
      return def.element;
    case 'union':
      return childSchema(pickUnionOption(def.options, value), key, value);
    default:
      return undefined;
  }
}

/** The schema that validates the value at `path` of `input`, or undefined if none does. */
export function schemaAtPath(
  schema: AnySchema,
  path: readonly PropertyKey[],
  input: unknown,
): AnySchema | undefined {
  let current: AnySchema | undefined = schema;
  let value = input;
  for (const key of path) {
    if (!current) return undefined;
    current = childSchema(current, key, value);
    value = valueAt(value, [key]);
  }
  return current;
}

/** The value at `path` in `input`, or undefined when any step is missing. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
