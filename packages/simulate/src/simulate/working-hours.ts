/**
 * @module
 * When the simulated office is at work (weekdays, 08–18 UTC; see the engine's rhythm), for
 * callers that need people's activity in a run whatever the clock says: tests, demos.
 */
import { dayNumber, isWeekend } from '../internal/engine/rhythm.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The latest weekday `hourUtc`:00 at or before `now`. A run that ends there has the office at
 * work, at night and on weekends too.
 * @example simulate({ ..., end: lastWorkingHour(Date.now()) })
 */
export function lastWorkingHour(now: number, hourUtc = 14): number {
  let t = dayNumber(now) * DAY + hourUtc * HOUR;
  if (t > now) t -= DAY;
  while (isWeekend(t)) t -= DAY;
  return t;
}
