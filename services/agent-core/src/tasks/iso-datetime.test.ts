import { parseIsoDateTime } from './iso-datetime';

describe('parseIsoDateTime', () => {
  it('reads a naive time (no offset: the task time zone applies)', () => {
    expect(parseIsoDateTime('2026-04-25T14:30:00')).toEqual({ year: 2026, month: 4, day: 25, hour: 14, minute: 30, second: 0 });
  });

  it('reads Z and ±hh:mm offsets in minutes', () => {
    expect(parseIsoDateTime('2026-04-25T14:30:00Z')?.offsetMinutes).toBe(0);
    expect(parseIsoDateTime('2026-04-25T14:30:00+05:30')?.offsetMinutes).toBe(330);
    expect(parseIsoDateTime('2026-04-25T14:30-0800')?.offsetMinutes).toBe(-480);
  });

  it('accepts the forms Python fromisoformat did: date only, space separator, fractions', () => {
    expect(parseIsoDateTime('2026-04-25')).toMatchObject({ hour: 0, minute: 0 });
    expect(parseIsoDateTime('2026-04-25 14:30')).toMatchObject({ hour: 14, minute: 30 });
    expect(parseIsoDateTime('2026-04-25T14:30:05.123456')).toMatchObject({ second: 5 });
  });

  it.each(['tomorrow', '2026/04/25 14:30', '2026-02-30T09:00:00', '2026-04-25T24:00', '2026-04-25T14', '2026-04-25T14:30+25:00', '0 9 * * *'])(
    'refuses %s',
    (text) => {
      expect(parseIsoDateTime(text)).toBeUndefined();
    },
  );
});
