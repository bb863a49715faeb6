/** Whether the runtime's time-zone database knows `name` (IANA, e.g. "Asia/Shanghai"). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The host's own zone, as the runtime reports it (TZ, else the system's). */
export function hostTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

// Building an Intl formatter costs far more than using one (tens of microseconds against about
// one), and the gateway formats with a handful of option sets in a handful of zones: keep each.
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * A shared Intl.DateTimeFormat for these options. Throws the RangeError of Intl for an unknown
 * zone, like the constructor; callers that take zones from outside check `isTimeZone` first.
 */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, formatter);
  }
  return formatter;
}
