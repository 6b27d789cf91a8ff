/**
 * @module
 * Observation-level matching as the OASIS reference matcher defines it. An observed-data with
 * `number_observed` n counts as n observations. A binding assigns observations to the
 * observation expressions of a pattern: AND and FOLLOWEDBY join bindings that share no
 * observation, FOLLOWEDBY when the right side can be observed at or after the left (by the
 * first/last observed intervals), REPEATS n takes n disjoint bindings, WITHIN keeps bindings
 * whose intervals fit in a window of that length, START/STOP those that overlap the window.
 * Each step keeps at most `max` bindings, which bounds the work on any input.
 */

/** A set of observation indexes (into the expanded list) bound to an expression. */
export type Binding = readonly number[];

/** First and last observed time of an expanded observation, epoch ms. */
export interface Interval {
  readonly first: number;
  readonly last: number;
}

function disjoint(a: Binding, b: Binding): boolean {
  for (const x of a) if (b.includes(x)) return false;
  return true;
}

/** Joins two binding lists: AND (any order) or FOLLOWEDBY (the right at or after the left). */
export function join(
  left: readonly Binding[],
  right: readonly Binding[],
  times: readonly Interval[],
  followedBy: boolean,
  max: number,
): Binding[] {
  const out: Binding[] = [];
  for (const a of left) {
    const latestFirst = Math.max(...a.map((i) => (times[i] as Interval).first));
    for (const b of right) {
      if (out.length >= max) return out;
      if (!disjoint(a, b)) continue;
      if (followedBy && latestFirst > Math.min(...b.map((i) => (times[i] as Interval).last))) continue;
      out.push([...a, ...b]);
    }
  }
  return out;
}

/** Every choice of `n` pairwise disjoint bindings, in list order, up to `max`. */
export function repeats(bindings: readonly Binding[], n: number, max: number): Binding[] {
  if (n === 1) return bindings.slice(0, max);
  const out: Binding[] = [];
  const chosen: Binding[] = [];
  const used = new Set<number>();
  const walk = (from: number): void => {
    for (let i = from; i < bindings.length && out.length < max; i++) {
      // Not enough bindings left to complete the choice.
      if (bindings.length - i < n - chosen.length) return;
      const b = bindings[i] as Binding;
      if (b.some((x) => used.has(x))) continue;
      chosen.push(b);
      b.forEach((x) => used.add(x));
      if (chosen.length === n) out.push(chosen.flat());
      else walk(i + 1);
      chosen.pop();
      b.forEach((x) => used.delete(x));
    }
  };
  walk(0);
  return out;
}

/** True when one time can be chosen in each interval so that all lie within `ms` of each other. */
export function within(intervals: readonly Interval[], ms: number): boolean {
  // The window that starts at the earliest `last` reaches furthest while still touching it.
  const start = Math.min(...intervals.map((i) => i.last));
  return intervals.every((i) => i.first <= start + ms);
}

/** How two closed intervals meet; the touches let callers treat either as half-open. */
export type Overlap = 'none' | 'overlap' | 'touch-inner' | 'touch-outer' | 'touch-point';

/**
 * How [min1, max1] and [min2, max2] meet: `touch-inner` when only max1 = min2, `touch-outer`
 * when only max2 = min1, `touch-point` when all four are equal.
 */
export function overlap(min1: number, max1: number, min2: number, max2: number): Overlap {
  if (min1 === max1 && max1 === min2 && min2 === max2) return 'touch-point';
  if (max1 === min2) return 'touch-inner';
  if (max2 === min1) return 'touch-outer';
  return min2 <= max1 && min1 <= max2 ? 'overlap' : 'none';
}

/** True when the interval can be observed in [start, stop): STOP itself is outside. */
export function inWindow(i: Interval, start: number, stop: number): boolean {
  if (!(start < stop)) return false;
  const o = overlap(start, stop, i.first, i.last);
  return o === 'overlap' || o === 'touch-outer';
}
