import { z } from 'zod';
import { type AnySchema, kindOf, unwrap } from './schema-walk';

/** Numeric bounds a reader can act on; the safe-integer limits zod adds for `.int()` are not. */
export function numberBounds(schema: AnySchema): { min?: number; max?: number; isInt: boolean } {
  const inner = unwrap(schema);
  if (!(inner instanceof z.ZodNumber)) return { isInt: false };
  const bound = (v: number | null) =>
    v === null || !Number.isFinite(v) || Math.abs(v) >= Number.MAX_SAFE_INTEGER ? undefined : v;
  return { min: bound(inner.minValue), max: bound(inner.maxValue), isInt: inner.isInt };
}

function describeNumber(schema: AnySchema): string {
  const { min, max, isInt } = numberBounds(schema);
  if (min !== undefined && max !== undefined) return `a number from ${min} to ${max}`;
  if (min === 1 && isInt) return 'a positive integer';
  const base = isInt ? 'an integer' : 'a number';
  if (min !== undefined) return `${base} of at least ${min}`;
  if (max !== undefined) return `${base} of at most ${max}`;
  return base;
}

/** `one of a, b, c`: the values as a reader types them in YAML (no quotes). */
export function describeChoices(values: readonly unknown[]): string {
  if (values.length === 1) return JSON.stringify(values[0]);
  return `one of ${values.map(String).join(', ')}`;
}

function describePlural(schema: AnySchema): string {
  const inner = unwrap(schema);
  switch (kindOf(inner)) {
    case 'string':
      return 'strings';
    case 'number':
      return 'numbers';
    case 'boolean':
      return 'true/false values';
    case 'object':
    case 'record':
      return 'maps';
    case 'union':
      return uniqueJoin((inner as z.ZodUnion).options.map((o) => describePlural(o as AnySchema)));
    default:
      return 'values';
  }
}

function uniqueJoin(words: string[]): string {
  return [...new Set(words)].join(' or ');
}

/**
 * What a schema expects, as a noun phrase for "expected …": `a number from 1 to 65535`,
 * `a list of strings`, `one of stdio, sse`. Shared by every surface that reports zod issues.
 */
export function describeExpected(schema: AnySchema): string {
  const inner = unwrap(schema);
  switch (kindOf(inner)) {
    case 'string':
      return (inner as z.ZodString).format === 'url' ? 'a URL' : 'a string';
    case 'number':
      return describeNumber(inner);
    case 'boolean':
      return 'true or false';
    case 'enum':
      return describeChoices(Object.values((inner as z.ZodEnum).enum));
    case 'literal':
      return describeChoices([...(inner as z.ZodLiteral).values]);
    case 'array':
      return `a list of ${describePlural((inner as z.ZodArray).element as AnySchema)}`;
    case 'object':
    case 'record':
      return 'a map';
    case 'union':
      return uniqueJoin((inner as z.ZodUnion).options.map((o) => describeExpected(o as AnySchema)));
    default:
      return 'a value';
  }
}

/** The noun for zod's own `expected` word, for issues reported without a schema to look at. */
export function describeExpectedKind(expected: string): string {
  const nouns: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    int: 'an integer',
    boolean: 'true or false',
    array: 'a list',
    object: 'a map',
    record: 'a map',
    null: 'an empty value',
  };
  return nouns[expected] ?? expected;
}

/**
 * How the value received reads in a message: strings quoted (cut at 60 characters), numbers and
 * booleans as written, anything else by its kind.
 */
export function describeReceived(value: unknown, showNumber = false): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') {
    const cut = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(cut);
  }
  if (typeof value === 'number') return showNumber || !Number.isFinite(value) ? String(value) : 'a number';
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return typeof value;
}
