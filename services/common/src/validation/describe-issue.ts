import type { z } from 'zod';
import {
  describeChoices,
  describeExpected,
  describeExpectedKind,
  describeReceived,
} from './expected-noun';
import { type AnySchema, kindOf, schemaAtPath, unwrap, valueAt } from './schema-walk';

/** A zod issue as every surface reports it: where (dot path) and what, in words. */
export type DescribedIssue = { path: string; message: string };

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/**
 * Extra data a custom check can attach (`ctx.addIssue({ code: 'custom', params: { expected } })`)
 * so its message reads like the built-in ones: `expected host:port, got "x"`.
 */
export type CustomIssueParams = { expected?: string };

/** `messages[2].content`: keys joined by dots, array indexes in brackets, map keys as they are. */
export function formatIssuePath(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/**
 * The one zod-issue formatter for every surface (config files, HTTP bodies, task YAML).
 * `input` is what was parsed, so the message can quote the value received; with `schema` (the
 * schema that was parsed against) it can also say precisely what was expected, e.g.
 * `expected a number from 1 to 65535, got "eighty"` instead of `expected a number`.
 */
export function describeZodIssue(issue: Issue, input: unknown, schema?: AnySchema): DescribedIssue {
  const resolved = innermostIssue(issue);
  return { path: formatIssuePath(resolved.path), message: describeMessage(resolved, input, schema) };
}

/** The path a described issue is reported at (for a union, the option's inner problem). */
export function issuePath(issue: Issue): PropertyKey[] {
  return [...innermostIssue(issue).path];
}

/**
 * A union fails as a whole. When one option got further than the rest (the value had the right
 * shape but something inside was wrong), that inner problem is the one worth reporting.
 */
function innermostIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union') return issue;
  // An option whose problem lies inside the value, or that accepted the value's type but not a
  // limit (a list that is too long), explains the failure better than the list of options.
  const deeper =
    issue.errors.find((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0)) ??
    issue.errors.find((branch) => branch.length > 0 && branch.every((i) => i.code !== 'invalid_type' && i.code !== 'invalid_union'));
  if (!deeper) return issue;
  return innermostIssue({ ...deeper[0], path: [...issue.path, ...deeper[0].path] } as Issue);
}

function describeMessage(issue: Issue, input: unknown, schema?: AnySchema): string {
  const received = valueAt(input, issue.path);
  const target = schema ? schemaAtPath(schema, issue.path, input) : undefined;
  const expected = (fallback: string) => (target ? describeExpected(target) : fallback);
  switch (issue.code) {
    case 'invalid_type':
      if (received === undefined) return 'is required';
      if (issue.expected === 'int') {
        return `expected ${expected('an integer').replace(/^a number/, 'a whole number')}, got ${describeReceived(received, true)}`;
      }
      return `expected ${expected(describeExpectedKind(issue.expected))}, got ${describeReceived(received)}`;
    case 'too_small':
    case 'too_big':
      return describeSize(issue, received, target);
    case 'invalid_value':
      return `expected ${describeChoices(issue.values)}, got ${describeReceived(received, true)}`;
    case 'invalid_format':
      // A pattern with its own explanation (`.regex(re, 'must be ...')`) says it best.
      if (issue.format === 'regex' && !issue.message.startsWith('Invalid')) return `${issue.message}, got ${describeReceived(received)}`;
      return `expected ${expected(`a ${issue.format}`)}, got ${describeReceived(received)}`;
    case 'not_multiple_of':
      return `expected a multiple of ${String(issue.divisor)}, got ${describeReceived(received, true)}`;
    case 'unrecognized_keys':
      return issue.keys.length === 1
        ? `unknown key "${issue.keys[0]}"`
        : `unknown keys ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_union':
      return describeUnion(issue, input, schema);
    case 'invalid_key':
      return `invalid key: ${issue.issues.map((i) => describeMessage(i, received, undefined)).join('; ')}`;
    case 'invalid_element':
      return `invalid entry: ${issue.issues.map((i) => describeMessage(i, received, undefined)).join('; ')}`;
    case 'custom': {
      const params = issue.params as CustomIssueParams | undefined;
      if (params?.expected) return `expected ${params.expected}, got ${describeReceived(received, true)}`;
      return issue.message;
    }
  }
}

function describeSize(
  issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig,
  received: unknown,
  target: AnySchema | undefined,
): string {
  const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'number':
    case 'int':
    case 'bigint': {
      const bound = issue.code === 'too_small' ? (inclusive ? 'of at least' : 'greater than') : inclusive ? 'of at most' : 'less than';
      const phrase =
        target && kindOf(unwrap(target)) === 'number' ? describeExpected(target) : `a number ${bound} ${String(limit)}`;
      return `expected ${phrase}, got ${describeReceived(received, true)}`;
    }
    case 'string':
      if (issue.code === 'too_small' && Number(limit) === 1) return 'must not be empty';
      return `must be ${issue.code === 'too_small' ? 'at least' : 'at most'} ${String(limit)} characters long`;
    case 'array':
    case 'set':
      if (issue.code === 'too_small' && Number(limit) === 1) return 'must not be an empty list';
      return `must have ${issue.code === 'too_small' ? 'at least' : 'at most'} ${String(limit)} entries`;
    default:
      return issue.message;
  }
}

/** No option of a union fits: the reader needs the list of shapes that would have been accepted. */
function describeUnion(issue: z.core.$ZodIssueInvalidUnion, input: unknown, schema?: AnySchema): string {
  const target = schema ? schemaAtPath(schema, issue.path, input) : undefined;
  const received = valueAt(input, issue.path);
  if (received === undefined) return 'is required';
  // A discriminated union whose tag matched no option: the allowed tags are the answer.
  const options = (issue as { options?: unknown[] }).options;
  if ('discriminator' in issue && Array.isArray(options)) return `expected ${describeChoices(options as z.core.util.Primitive[])}, got ${describeReceived(received, true)}`;
  const kinds = issue.errors.map((b) => (b[0]?.code === 'invalid_type' ? describeExpectedKind(b[0].expected) : 'another form'));
  const nouns = target ? describeExpected(target) : [...new Set(kinds)].join(' or ');
  return `expected ${nouns}, got ${describeReceived(received)}`;
}
