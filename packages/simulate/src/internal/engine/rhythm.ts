/**
 * @module
 * The working-day rhythm (hosts and office on UTC): how busy people are at a given time, and
 * each person's logon and logoff times for a day. Day schedules come from a stream forked by
 * day number, so they do not depend on when the run starts.
 */
import type { Rng } from './prng.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Day number (days since 1970-01-01 UTC). */
export function dayNumber(t: number): number {
  return Math.floor(t / DAY);
}

/** True on Saturday and Sunday. */
export function isWeekend(t: number): boolean {
  const dow = new Date(t).getUTCDay();
  return dow === 0 || dow === 6;
}

/** Relative activity of people at time t: 1 at mid-morning on a weekday, near 0 at night. */
export function workFactor(t: number): number {
  const h = (t % DAY) / HOUR;
  let f: number;
  if (h < 6) f = 0.03;
  else if (h < 8) f = 0.03 + ((h - 6) / 2) * 0.5;
  else if (h < 12) f = 1;
  else if (h < 13) f = 0.55;
  else if (h < 17) f = 0.95;
  else if (h < 19) f = 0.95 - ((h - 17) / 2) * 0.8;
  else f = 0.08;
  return isWeekend(t) ? f * 0.08 : f;
}

/** One person's presence on a day, epoch ms; `on === off` means not at work. */
export interface DaySchedule {
  readonly on: number;
  readonly off: number;
}

/** When someone logs on and off on the day containing t. */
export function daySchedule(rng: Rng, t: number): DaySchedule {
  const day = dayNumber(t);
  const r = rng.fork(`day-${day}`);
  const midnight = day * DAY;
  if (isWeekend(t)) {
    if (!r.chance(0.08)) return { on: midnight, off: midnight };
    const on = midnight + r.range(10, 15) * HOUR;
    return { on, off: on + r.range(0.5, 2.5) * HOUR };
  }
  if (r.chance(0.06)) return { on: midnight, off: midnight }; // leave or sick day
  const on = midnight + r.range(7.4, 9.6) * HOUR;
  const late = r.chance(0.1);
  const off = midnight + (late ? r.range(18.5, 21.5) : r.range(16.3, 18.4)) * HOUR;
  return { on, off };
}

/** Start of the next day after t. */
export function nextMidnight(t: number): number {
  return (dayNumber(t) + 1) * DAY;
}

export const MINUTE = 60_000;
export const HOURS = HOUR;
export const DAYS = DAY;
