import { z } from 'zod';
import type { CustomIssueParams } from '../validation/describe-issue';
import { isTimeZone } from '../time/time-zone';

// Templates always render to strings, and the original (pydantic, lax mode) accepted "8321" for
// an int and 123 for a string. These preprocessors keep both forms loading.

const NUMERIC = /^\s*[-+]?\d+(\.\d+)?\s*$/;
const BOOLEAN_WORDS: Record<string, boolean> = {
  true: true, false: false, yes: true, no: false, on: true, off: false, '1': true, '0': false,
};

/** A number that may also be written as a numeric string ("8321", from a template). */
export function numeric<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (typeof v === 'string' && NUMERIC.test(v) ? Number(v) : v), schema);
}

/** A boolean that may also be written as "true"/"yes"/"on"/"1" (and their opposites). */
export function boolish() {
  return z.preprocess((v) => {
    if (typeof v !== 'string') return v;
    const word = BOOLEAN_WORDS[v.trim().toLowerCase()];
    return word ?? v;
  }, z.boolean());
}

/** A string that may be written as a YAML number or boolean (user ids, env values, arguments). */
export function stringish<T extends z.ZodType = z.ZodString>(schema?: T) {
  return z.preprocess(
    (v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v),
    schema ?? z.string(),
  );
}

function failWith(ctx: z.RefinementCtx, expected: string): void {
  const params: CustomIssueParams = { expected };
  ctx.addIssue({ code: 'custom', message: `expected ${expected}`, params });
}

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;

/** `host:port` (IPv6 hosts in brackets), the form of the internal gRPC addresses. */
export function hostPort() {
  return z.string().superRefine((value, ctx) => {
    const match = HOST_PORT.exec(value);
    const port = match ? Number(match[2]) : 0;
    if (!match || port < 1 || port > 65535) failWith(ctx, 'host:port such as "127.0.0.1:8331"');
  });
}

/** An IANA time zone name, checked against the runtime's Intl database. */
export function timeZone() {
  return z.string().superRefine((value, ctx) => {
    if (!isTimeZone(value)) failWith(ctx, 'an IANA time zone such as "Asia/Shanghai"');
  });
}

/** An absolute URL with a scheme (`https://…`, `http://127.0.0.1:11434`). */
export function absoluteUrl() {
  return z.string().superRefine((value, ctx) => {
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value) || !URL.canParse(value)) {
      failWith(ctx, 'a URL such as "https://api.openai.com/v1"');
    }
  });
}
