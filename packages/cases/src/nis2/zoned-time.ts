/**
 * @module
 * Calendar arithmetic in an IANA time zone with the platform's time-zone data (Intl), for
 * deadlines that are periods of the calendar ("one month") rather than durations ("72 hours").
 * A month after 10:00 on 10 March in Berlin is 10:00 on 10 April, though the clocks moved
 * forward in between; a local time that does not exist (the hour skipped in spring) moves
 * forward, and one that exists twice (the hour repeated in autumn) takes the earlier instant.
 */
import { AppError } from '@intersoc/core';

/** Local calendar fields. */
export interface LocalTime {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new AppError('VALIDATION', `unknown time zone ${tz}`);
    }
    formatters.set(tz, f);
  }
  return f;
}

/** True when `tz` is a time zone the platform knows. */
export function isTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The local calendar fields of an instant in `tz`. */
export function localTime(t: number, tz: string): LocalTime {
  const parts = formatter(tz).formatToParts(new Date(t));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? '0');
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
    millisecond: ((t % 1000) + 1000) % 1000,
  };
}

function asUtc(l: LocalTime): number {
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second, l.millisecond);
}

/** Offset of `tz` from UTC at instant `t`, ms (positive east of Greenwich). */
export function offsetAt(t: number, tz: string): number {
  return asUtc(localTime(t, tz)) - t;
}

/** The instant of a local time in `tz` (skipped times move forward, repeated ones take the earlier). */
export function instantOf(l: LocalTime, tz: string): number {
  const wall = asUtc(l);
  const before = offsetAt(wall - 86_400_000, tz);
  const after = offsetAt(wall + 86_400_000, tz);
  const valid = [wall - before, wall - after].filter((t) => offsetAt(t, tz) === wall - t);
  if (valid.length > 0) return Math.min(...valid);
  // In a gap: read the wall time with the offset in force before the change, which lands after it.
  return wall - before;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `t` plus `n` calendar months in `tz`, keeping the local time; the 31st becomes the month's last day. */
export function addMonths(t: number, n: number, tz: string): number {
  const l = localTime(t, tz);
  const index = l.year * 12 + (l.month - 1) + n;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return instantOf({ ...l, year, month, day: Math.min(l.day, daysInMonth(year, month)) }, tz);
}

/** ISO-8601 local time with its offset, e.g. `2025-04-10T10:00:00+02:00`. */
export function formatLocal(t: number, tz: string): string {
  const l = localTime(t, tz);
  const off = Math.round(offsetAt(t, tz) / 60_000);
  const p = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0');
  const sign = off < 0 ? '-' : '+';
  return `${p(l.year, 4)}-${p(l.month)}-${p(l.day)}T${p(l.hour)}:${p(l.minute)}:${p(l.second)}${sign}${p(Math.trunc(Math.abs(off) / 60))}:${p(Math.abs(off) % 60)}`;
}
