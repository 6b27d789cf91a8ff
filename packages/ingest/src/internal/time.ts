/**
 * @module
 * Event-time parsing for the hot path: the common ISO-8601 shapes are read by hand (no regex, no
 * intermediate strings); everything else goes to core's `parseTime`.
 */
import { parseTime } from '@intersoc/core';

function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Epoch ms of `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH:MM|±HHMM]` (no zone means UTC), epoch
 * numbers, or anything core's `parseTime` understands. Undefined when unparseable.
 */
export function eventTime(v: unknown): number | undefined {
  if (typeof v !== 'string') return typeof v === 'number' ? parseTime(v) : undefined;
  const s = v;
  const n = s.length;
  if (
    n < 19 ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58
  ) {
    return parseTime(s);
  }
  const sep = s.charCodeAt(10);
  if (sep !== 84 && sep !== 32) return parseTime(s);
  const year = d2(s, 0) * 100 + d2(s, 2);
  const month = d2(s, 5);
  const day = d2(s, 8);
  const hh = d2(s, 11);
  const mm = d2(s, 14);
  const ss = d2(s, 17);
  if (
    year < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hh < 0 ||
    hh > 23 ||
    mm < 0 ||
    mm > 59 ||
    ss < 0 ||
    ss > 60
  ) {
    return parseTime(s);
  }
  let i = 19;
  let ms = 0;
  if (i < n && s.charCodeAt(i) === 46) {
    i++;
    let digits = 0;
    while (i < n) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      if (digits < 3) ms = ms * 10 + c;
      digits++;
      i++;
    }
    if (digits === 0) return parseTime(s);
    for (; digits < 3; digits++) ms *= 10;
  }
  let offset = 0;
  if (i < n) {
    const c = s.charCodeAt(i);
    if (c === 90 /* Z */ && i + 1 === n) {
      i++;
    } else if (c === 43 || c === 45) {
      const oh = d2(s, i + 1);
      const colon = s.charCodeAt(i + 3) === 58 ? 1 : 0;
      const om = d2(s, i + 3 + colon);
      if (oh < 0 || om < 0 || i + 5 + colon !== n) return parseTime(s);
      offset = (c === 43 ? 1 : -1) * (oh * 60 + om) * 60_000;
      i = n;
    } else {
      return parseTime(s);
    }
  }
  const t = Date.UTC(year, month - 1, day, hh, mm, ss, ms) - offset;
  return Number.isFinite(t) ? t : undefined;
}
