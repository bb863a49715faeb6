import { dateTimeFormat, isTimeZone } from './time-zone';

describe('time zones', () => {
  it('knows IANA names and refuses made-up ones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });

  it('hands out one formatter per locale and option set', () => {
    const a = dateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', hour: '2-digit' });
    expect(dateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', hour: '2-digit' })).toBe(a);
    expect(dateTimeFormat('en-US', { timeZone: 'Europe/Berlin', hour: '2-digit' })).not.toBe(a);
    expect(a.resolvedOptions().timeZone).toBe('Asia/Shanghai');
  });

  it('throws for an unknown zone, as Intl does', () => {
    expect(() => dateTimeFormat('en-US', { timeZone: 'Nowhere/Land' })).toThrow(RangeError);
  });
});
