import { formatWithOffset } from './local-time';

describe('formatWithOffset', () => {
  const instant = new Date('2026-07-01T12:34:56.789Z');

  it('writes the wall-clock time of the zone with its offset', () => {
    expect(formatWithOffset(instant, 'Asia/Shanghai')).toBe('2026-07-01T20:34:56+08:00');
    expect(formatWithOffset(instant, 'America/New_York')).toBe('2026-07-01T08:34:56-04:00');
    expect(formatWithOffset(instant, 'Asia/Kolkata')).toBe('2026-07-01T18:04:56+05:30');
    expect(formatWithOffset(instant, 'UTC')).toBe('2026-07-01T12:34:56+00:00');
  });

  it('follows daylight saving time', () => {
    expect(formatWithOffset(new Date('2026-01-15T12:00:00Z'), 'Europe/Berlin')).toBe('2026-01-15T13:00:00+01:00');
    expect(formatWithOffset(new Date('2026-03-29T01:30:00Z'), 'Europe/Berlin')).toBe('2026-03-29T03:30:00+02:00');
  });

  it('writes the same instant back when parsed', () => {
    const text = formatWithOffset(instant, 'America/St_Johns');
    expect(new Date(text).getTime()).toBe(Math.floor(instant.getTime() / 1000) * 1000);
  });
});
