/** An ISO-8601 date-time as written; `offsetMinutes` is absent for a naive (local) time. */
export interface IsoDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  offsetMinutes?: number;
}

// The forms Python's datetime.fromisoformat accepts in the common extended notation (the original
// validated run_at with it): a date, optionally " " or "T" and hh:mm[:ss[.ffffff]], then an
// optional "Z" or ±hh:mm offset. A date alone means midnight.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parseOffset(text: string | undefined): number | undefined | null {
  if (text === undefined) return undefined;
  if (text === 'Z') return 0;
  const digits = text.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return null;
  return (text.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/** Parses an ISO-8601 date-time, checking the calendar (no Feb 30); undefined when it is not one. */
export function parseIsoDateTime(text: string): IsoDateTime | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offsetMinutes = parseOffset(m[7]);
  if (offsetMinutes === null) return undefined;
  return { year, month, day, hour, minute, second, ...(offsetMinutes === undefined ? {} : { offsetMinutes }) };
}

export function isIsoDateTime(text: string): boolean {
  return parseIsoDateTime(text) !== undefined;
}
