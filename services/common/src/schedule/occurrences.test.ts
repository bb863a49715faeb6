import { occurrencesAfter, occurrencesBetween } from './occurrences';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());
const BERLIN = 'Europe/Berlin';

describe('occurrencesAfter', () => {
  it('reads the schedule in the task zone, not the host zone', () => {
    expect(iso(occurrencesAfter('0 9 * * *', BERLIN, new Date('2027-01-10T12:00:00Z'), 2))).toEqual(['2027-01-11T08:00:00.000Z', '2027-01-12T08:00:00.000Z']);
    expect(iso(occurrencesAfter('0 9 * * *', 'America/New_York', new Date('2027-01-10T12:00:00Z'), 1))).toEqual(['2027-01-10T14:00:00.000Z']);
    expect(iso(occurrencesAfter('0 9 * * *', 'Asia/Kolkata', new Date('2027-01-10T12:00:00Z'), 1))).toEqual(['2027-01-11T03:30:00.000Z']);
  });

  it('starts strictly after the given time', () => {
    expect(iso(occurrencesAfter('0 9 * * *', 'UTC', new Date('2027-01-10T09:00:00Z'), 1))).toEqual(['2027-01-11T09:00:00.000Z']);
  });

  it('fires a daily time that the spring change skips once, at the first minute after the gap', () => {
    // 2027-03-28 02:00 CET → 03:00 CEST: 02:30 does not exist that day.
    expect(iso(occurrencesAfter('30 2 * * *', BERLIN, new Date('2027-03-27T00:00:00Z'), 3))).toEqual([
      '2027-03-27T01:30:00.000Z', // 02:30 CET
      '2027-03-28T01:00:00.000Z', // 03:00 CEST
      '2027-03-29T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  it('fires a daily time that the autumn change repeats once, at its first occurrence', () => {
    // 2027-10-31 03:00 CEST → 02:00 CET: 02:30 happens twice that night.
    expect(iso(occurrencesAfter('30 2 * * *', BERLIN, new Date('2027-10-30T00:00:00Z'), 3))).toEqual([
      '2027-10-30T00:30:00.000Z', // 02:30 CEST
      '2027-10-31T00:30:00.000Z', // the first 02:30 (CEST), not the second
      '2027-11-01T01:30:00.000Z', // 02:30 CET
    ]);
  });

  it('keeps an interval schedule going by the clock through both changes, never twice at one instant', () => {
    const spring = iso(occurrencesAfter('*/30 * * * *', BERLIN, new Date('2027-03-28T00:10:00Z'), 4));
    expect(spring).toEqual(['2027-03-28T00:30:00.000Z', '2027-03-28T01:00:00.000Z', '2027-03-28T01:30:00.000Z', '2027-03-28T02:00:00.000Z']);
    const autumn = iso(occurrencesAfter('*/30 * * * *', BERLIN, new Date('2027-10-30T23:50:00Z'), 5));
    expect(autumn).toEqual(['2027-10-31T00:00:00.000Z', '2027-10-31T00:30:00.000Z', '2027-10-31T01:00:00.000Z', '2027-10-31T01:30:00.000Z', '2027-10-31T02:00:00.000Z']);
    expect(new Set(autumn).size).toBe(autumn.length);
  });

  it('finds a leap-day schedule in the leap years only', () => {
    expect(occurrencesAfter('0 0 29 2 *', 'UTC', new Date('2027-01-01T00:00:00Z'), 2).map((d) => d.getUTCFullYear())).toEqual([2028, 2032]);
  });
});

describe('occurrencesBetween', () => {
  it('lists what fell due in (from, to], oldest first, bounded', () => {
    const from = new Date('2027-01-10T08:59:00Z');
    const to = new Date('2027-01-10T09:03:00Z');
    expect(iso(occurrencesBetween('* * * * *', 'UTC', from, to, 10))).toEqual([
      '2027-01-10T09:00:00.000Z', '2027-01-10T09:01:00.000Z', '2027-01-10T09:02:00.000Z', '2027-01-10T09:03:00.000Z',
    ]);
    expect(occurrencesBetween('* * * * *', 'UTC', from, to, 2)).toHaveLength(2);
    expect(occurrencesBetween('0 9 * * *', 'UTC', to, new Date('2027-01-11T08:00:00Z'), 10)).toEqual([]);
  });
});
