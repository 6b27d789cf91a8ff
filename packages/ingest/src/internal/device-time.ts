/**
 * @module
 * Timestamps as security devices write them in CEF `rt`/`start`/`end` and LEEF `devTime`: epoch
 * milliseconds, RFC 3339, or `MMM dd yyyy HH:mm:ss[.SSS]` (optionally a zone name, read as UTC).
 */
import { parseTime } from '@intersoc/core';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Epoch ms of a device timestamp, or undefined. */
export function parseDeviceTime(v: unknown): number | undefined {
  if (typeof v === 'number') return parseTime(v);
  if (typeof v !== 'string' || v.length === 0) return undefined;
  const month = MONTHS.indexOf(v.slice(0, 3).toLowerCase());
  if (month < 0) return parseTime(v);
  // MMM dd yyyy HH:mm:ss[.SSS]
  const parts = v.split(' ').filter((p) => p.length > 0);
  if (parts.length < 4) return undefined;
  const day = Number(parts[1]);
  const year = Number(parts[2]);
  const clock = (parts[3] as string).split(':');
  if (clock.length !== 3 || !Number.isInteger(day) || !Number.isInteger(year)) return undefined;
  const h = Number(clock[0]);
  const m = Number(clock[1]);
  const s = Number(clock[2]);
  if (![h, m, s].every(Number.isFinite) || day < 1 || day > 31 || h > 23 || m > 59 || s >= 61) return undefined;
  const t = Date.UTC(year, month, day, h, m, Math.floor(s), Math.round((s % 1) * 1000));
  return Number.isFinite(t) ? t : undefined;
}
