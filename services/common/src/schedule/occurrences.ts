import { Cron } from 'croner';

/**
 * When a cron schedule fires, read in one IANA zone: the one reading of a schedule that
 * agent-core (validation, "next runs") and the scheduler (firing) share, so they never disagree.
 * croner enumerates in the zone; across a DST change a time that does not exist (Europe/Berlin
 * 02:30 on the spring day) fires once at the first valid minute after it (03:00), and a time that
 * exists twice (02:30 on the autumn day) fires once, at its first occurrence; an interval
 * schedule (`*\/30 * * * *`) keeps firing by the clock in both the repeated hours.
 * The expression must have passed validateCron.
 */
export function occurrencesAfter(schedule: string, timeZone: string, after: Date, count: number): Date[] {
  const cron = new Cron(schedule, { timezone: timeZone, paused: true });
  try {
    const out: Date[] = [];
    let at = after;
    while (out.length < count) {
      const next = cron.nextRun(at);
      if (!next) break;
      out.push(next);
      at = next;
    }
    return out;
  } finally {
    cron.stop();
  }
}

/**
 * The occurrences in (from, to], oldest first, at most `limit`: what fell due while nothing ran
 * (a scheduler restart), for the task's misfire policy.
 */
export function occurrencesBetween(schedule: string, timeZone: string, from: Date, to: Date, limit: number): Date[] {
  return occurrencesAfter(schedule, timeZone, from, limit).filter((d) => d.getTime() <= to.getTime());
}
