import { Cron } from 'croner';

// A task's `schedule` is standard 5-field cron only. Six fields mean seconds, but croniter (the
// original's library) puts them last and croner (ours) first, so the same text would fire at
// different times; L, W, # and ? are left out for the same reason (not every library agrees).

interface CronField {
  name: string;
  min: number;
  max: number;
  /** Names accepted instead of numbers, mapped to their value. */
  names?: Record<string, number>;
  namesHint?: string;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: Object.fromEntries(MONTHS.map((m, i) => [m, i + 1])), namesHint: 'JAN-DEC' },
  // 7 is Sunday too, as in Vixie cron and croniter.
  { name: 'day-of-week', min: 0, max: 7, names: Object.fromEntries(WEEKDAYS.map((d, i) => [d, i])), namesHint: 'SUN-SAT' },
];

/** Nicknames both croniter and croner understand. */
const NICKNAMES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly']);

const FIELD_ORDER = 'minute hour day-of-month month day-of-week';

/** Some year with every calendar day in it (2000 is a leap year), to ask "does it ever fire?". */
const REFERENCE_START = new Date(Date.UTC(2000, 0, 1));

function parseValue(text: string, field: CronField): number | string {
  const named = field.names?.[text.toUpperCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(text)) {
    const kind = field.namesHint ? `a number or a name (${field.namesHint})` : 'a number';
    return `${field.name} "${text}" is not ${kind}`;
  }
  const value = Number(text);
  if (value < field.min || value > field.max) return `${field.name} ${value} is out of range ${field.min}-${field.max}`;
  return value;
}

/** The problem with one comma-separated part of a field (`*`, `5`, `1-5`, `*\/15`, `10-50/5`). */
function checkPart(part: string, field: CronField): string | undefined {
  const [base = '', step, extra] = part.split('/');
  if (extra !== undefined) return `${field.name} "${part}" has more than one "/"`;
  if (step !== undefined && !/^\d+$/.test(step)) return `${field.name} step "${step}" is not a number`;
  if (step !== undefined && Number(step) < 1) return `${field.name} step ${step} must be at least 1`;
  if (step !== undefined && Number(step) > field.max - field.min + 1) {
    return `${field.name} step ${step} is larger than the range ${field.min}-${field.max}`;
  }
  if (base === '*') return undefined;
  if (base === '') return `${field.name} "${part}" is missing a value`;
  const bounds = base.split('-');
  if (bounds.length > 2) return `${field.name} range "${base}" has more than one "-"`;
  if (step !== undefined && bounds.length === 1) {
    // croner refuses "5/15"; croniter read it as 5-59/15, which is what the hint spells out.
    return `${field.name} "${part}" needs * or a range before the step: write ${base}-${field.max}/${step}`;
  }
  const values: number[] = [];
  for (const bound of bounds) {
    const value = parseValue(bound, field);
    if (typeof value === 'string') return value;
    values.push(value);
  }
  if (values.length === 2 && values[0]! > values[1]!) {
    const sundayHint = field.name === 'day-of-week' && values[1] === 0 ? ` (Sunday at the end of a range is 7: ${bounds[0]}-7)` : '';
    return `${field.name} range ${base} runs backwards${sundayHint}`;
  }
  return undefined;
}

function checkField(text: string, field: CronField): string | undefined {
  for (const part of text.split(',')) {
    const problem = checkPart(part, field);
    if (problem) return problem;
  }
  return undefined;
}

function checkGrammar(expr: string): string | undefined {
  const trimmed = expr.trim();
  if (trimmed === '') return 'it is empty';
  if (trimmed.startsWith('@')) return NICKNAMES.has(trimmed.toLowerCase()) ? undefined : `unknown nickname ${trimmed}`;
  const parts = trimmed.split(/\s+/);
  if (parts.length !== FIELDS.length) {
    return `it has ${parts.length} field${parts.length === 1 ? '' : 's'}; cron needs 5: ${FIELD_ORDER}`;
  }
  for (const [i, field] of FIELDS.entries()) {
    const problem = checkField(parts[i]!, field);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Why `expr` is not a usable 5-field cron expression, as a sentence for the reader; undefined
 * when it is fine. Our own grammar check gives the precise reason; croner (the scheduler's
 * library) then confirms it can run the expression and that it ever fires (`0 0 31 2 *` never does).
 */
export function validateCron(expr: string): string | undefined {
  const problem = checkGrammar(expr) ?? checkWithCroner(expr.trim());
  return problem && `${JSON.stringify(expr)} is not a valid cron expression (${problem})`;
}

function checkWithCroner(expr: string): string | undefined {
  let cron: Cron;
  try {
    cron = new Cron(expr, { paused: true });
  } catch (err) {
    return `the scheduler refuses it: ${(err as Error).message}`;
  }
  const next = cron.nextRun(REFERENCE_START);
  cron.stop();
  return next ? undefined : 'it never fires: no date matches it';
}
