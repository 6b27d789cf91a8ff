/**
 * @module
 * The seasonal band of an entity's hourly event count. Counts are compared in log space
 * (`log1p`), where a busy and a quiet hour vary by similar factors. Each hour of the week keeps an
 * exponentially weighted mean and variance of the past weeks' counts at that hour; until a slot has
 * `minWeeks` of history, the hour of the day (over the past days) stands in for it. Hours are UTC.
 */

/** Weeks a week slot remembers (the weight of the newest week is at least 1/8). */
const WEEK_MEMORY = 8;
/** Days an hour-of-day slot remembers. */
const DAY_MEMORY = 14;
/**
 * Floor of the standard deviation in log space: a perfectly regular history (the same count every
 * week) still allows about ×1.3 per sigma before a count is outside the band.
 */
const MIN_SD = 0.25;
/** Numbers per slot: weight, mean, variance. */
const STRIDE = 3;
const WEEK_SLOTS = 168;
const DAY_SLOTS = 24;

/** Where the activity slots start: after the count slots, so profiles stored before they existed still read. */
const ACTIVITY = (WEEK_SLOTS + DAY_SLOTS) * STRIDE;
/** Numbers per activity slot: weight, share of past hours with at least one event. */
const ACTIVITY_STRIDE = 2;

/**
 * Length of a profile array: 168 week slots then 24 day slots of (weight, mean, variance) of log
 * counts, then the same 192 slots of (weight, share of active hours) for silence.
 */
export const PROFILE_LENGTH = ACTIVITY + (WEEK_SLOTS + DAY_SLOTS) * ACTIVITY_STRIDE;

/** A fresh profile. */
export function newProfile(): Float32Array {
  return new Float32Array(PROFILE_LENGTH);
}

/** Hour of the week (Monday 00:00 UTC = 0) of an epoch hour. The epoch was a Thursday. */
export function hourOfWeek(hour: number): number {
  const day = Math.floor(hour / 24);
  return ((((day + 3) % 7) + 7) % 7) * 24 + (((hour % 24) + 24) % 24);
}

function update(p: Float32Array, at: number, y: number, memory: number): void {
  const n = Math.min((p[at] ?? 0) + 1, memory);
  const a = 1 / n;
  const mean = p[at + 1] ?? 0;
  const d = y - mean;
  p[at] = n;
  p[at + 1] = mean + a * d;
  p[at + 2] = (1 - a) * ((p[at + 2] ?? 0) + a * d * d);
}

function share(p: Float32Array, at: number, active: number, memory: number): void {
  const n = Math.min((p[at] ?? 0) + 1, memory);
  p[at] = n;
  p[at + 1] = (p[at + 1] ?? 0) + (active - (p[at + 1] ?? 0)) / n;
}

/** Adds one closed hour's count to the profile. */
export function fold(p: Float32Array, hour: number, count: number): void {
  const y = Math.log1p(count);
  const w = hourOfWeek(hour);
  const d = ((hour % 24) + 24) % 24;
  update(p, w * STRIDE, y, WEEK_MEMORY);
  update(p, (WEEK_SLOTS + d) * STRIDE, y, DAY_MEMORY);
  const active = count > 0 ? 1 : 0;
  share(p, ACTIVITY + w * ACTIVITY_STRIDE, active, WEEK_MEMORY);
  share(p, ACTIVITY + (WEEK_SLOTS + d) * ACTIVITY_STRIDE, active, DAY_MEMORY);
}

/** How regularly an entity reported at one hour of the week (or of the day), and on what history. */
export interface Activity {
  /**
   * Share of past hours in this slot with at least one event, smoothed towards one half by one
   * pseudo-observation, so a short perfect history never claims certainty ((k + 0.5) / (n + 1)).
   */
  readonly share: number;
  readonly season: 'week' | 'day';
  /** Past hours the share rests on (capped by the memory: 8 weeks, 14 days). */
  readonly history: number;
}

/**
 * The activity of `hour`: of its hour-of-week and hour-of-day slots that have enough history, the
 * steadier one. A host steady around the clock is judged by its day slot while the week slots
 * still fill; a weekday-only host is steady in neither slot at a weekend hour, so it is excused.
 */
export function activityOf(
  p: Float32Array,
  hour: number,
  o: { minWeeks: number; minDays: number },
): Activity | undefined {
  const slot = (at: number, min: number, season: 'week' | 'day'): Activity | undefined => {
    const n = p[at] ?? 0;
    if (n < min) return undefined;
    return { share: ((p[at + 1] ?? 0) * n + 0.5) / (n + 1), season, history: Math.round(n) };
  };
  const w = slot(ACTIVITY + hourOfWeek(hour) * ACTIVITY_STRIDE, o.minWeeks, 'week');
  const d = slot(ACTIVITY + (WEEK_SLOTS + (((hour % 24) + 24) % 24)) * ACTIVITY_STRIDE, o.minDays, 'day');
  if (!w || !d) return w ?? d;
  return w.share >= d.share ? w : d;
}

/** The band for an hour, with the history it rests on. */
export interface RateBand {
  readonly expected: number;
  readonly lower: number;
  readonly upper: number;
  /** `week`: the same hour of past weeks; `day`: the same hour of past days. */
  readonly season: 'week' | 'day';
  /** Past hours the band rests on (capped by the memory: 8 weeks, 14 days). */
  readonly history: number;
}

/** The band of `hour`, or undefined while neither slot has enough history. */
export function bandOf(
  p: Float32Array,
  hour: number,
  o: { sigma: number; minWeeks: number; minDays: number },
): RateBand | undefined {
  const w = hourOfWeek(hour) * STRIDE;
  const d = (WEEK_SLOTS + (((hour % 24) + 24) % 24)) * STRIDE;
  const at = (p[w] ?? 0) >= o.minWeeks ? w : (p[d] ?? 0) >= o.minDays ? d : -1;
  if (at < 0) return undefined;
  const mean = p[at + 1] ?? 0;
  const sd = Math.sqrt((p[at + 2] ?? 0) + MIN_SD * MIN_SD);
  return {
    expected: Math.expm1(mean),
    lower: Math.max(0, Math.expm1(mean - o.sigma * sd)),
    upper: Math.expm1(mean + o.sigma * sd),
    season: at === w ? 'week' : 'day',
    history: Math.round(p[at] ?? 0),
  };
}

/** Bytes of a profile, for storage. */
export function profileBytes(p: Float32Array): Buffer {
  return Buffer.from(p.buffer, p.byteOffset, p.byteLength);
}

/** A profile from stored bytes (a copy, aligned). */
export function profileFrom(b: Uint8Array): Float32Array {
  const p = newProfile();
  new Uint8Array(p.buffer).set(b.subarray(0, p.byteLength));
  return p;
}
