import { dateTimeFormat } from '@cliver/common';

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  return dateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/**
 * `2026-04-25T14:30:00+02:00`: the wall-clock time in `timeZone` with its UTC offset. The original
 * stored local time without an offset and read it back as UTC; with the offset written out, every
 * reader gets the same instant.
 */
export function formatWithOffset(date: Date, timeZone: string): string {
  const parts = formatterFor(timeZone).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)!.value);
  const wallMs = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const wholeSecondMs = Math.floor(date.getTime() / 1000) * 1000;
  const offset = Math.round((wallMs - wholeSecondMs) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  const ymd = `${pad(get('year'), 4)}-${pad(get('month'))}-${pad(get('day'))}`;
  const time = `${pad(get('hour'))}:${pad(get('minute'))}:${pad(get('second'))}`;
  return `${ymd}T${time}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}
