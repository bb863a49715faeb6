import { validateCron } from './cron-syntax';

describe('validateCron', () => {
  it.each([
    '0 17 * * *',
    '*/30 * * * *',
    '0 9 * * 1-5',
    '0 9 * * MON-FRI',
    '0 9 * * mon,wed,fri',
    '0 0 1 JAN,JUL *',
    '0,30 8-18/2 * * *',
    '5-59/15 * * * *',
    '0 0 * * 7',
    '0 9 * * FRI-7',
    '0 0 29 2 *',
    '@daily',
    '  0 17 * * *  ',
  ])('accepts %s', (expr) => {
    expect(validateCron(expr)).toBeUndefined();
  });

  it.each([
    ['61 * * * *', 'minute 61 is out of range 0-59'],
    ['0 25 * * *', 'hour 25 is out of range 0-23'],
    ['0 0 0 * *', 'day-of-month 0 is out of range 1-31'],
    ['0 0 * 13 *', 'month 13 is out of range 1-12'],
    ['0 0 * * 8', 'day-of-week 8 is out of range 0-7'],
    ['* * *', 'it has 3 fields; cron needs 5: minute hour day-of-month month day-of-week'],
    ['0 0 9 * * *', 'it has 6 fields; cron needs 5: minute hour day-of-month month day-of-week'],
    ['a * * * *', 'minute "a" is not a number'],
    ['0 0 * FOO *', 'month "FOO" is not a number or a name (JAN-DEC)'],
    ['0 0 * * MON-FOO', 'day-of-week "FOO" is not a number or a name (SUN-SAT)'],
    ['0 0 L * *', 'day-of-month "L" is not a number'],
    ['*/0 * * * *', 'minute step 0 must be at least 1'],
    ['*/x * * * *', 'minute step "x" is not a number'],
    ['5-1 * * * *', 'minute range 5-1 runs backwards'],
    ['0 9 * * FRI-SUN', 'day-of-week range FRI-SUN runs backwards (Sunday at the end of a range is 7: FRI-7)'],
    ['*/90 * * * *', 'minute step 90 is larger than the range 0-59'],
    ['5/15 * * * *', 'minute "5/15" needs * or a range before the step: write 5-59/15'],
    ['1,,2 * * * *', 'minute "" is missing a value'],
    ['0 0 31 2 *', 'it never fires: no date matches it'],
    ['@every_minute', 'unknown nickname @every_minute'],
    ['', 'it is empty'],
  ])('refuses %s: %s', (expr, reason) => {
    expect(validateCron(expr)).toBe(`${JSON.stringify(expr)} is not a valid cron expression (${reason})`);
  });
});
