/**
 * @module
 * Levels beyond the context detector's learned grid, widening geometrically. Inside the grid a
 * level is one grid step wide; the k-th step past an edge (k ≥ 1) falls in outer level
 * ⌈log(1 + k / scale) / log(ratio)⌉, so outer levels grow by `ratio` each. Why: on heavy-tailed
 * series (tweet volumes, request counts, disk writes) every spike of a new size past the range
 * was a level never seen before, so the detector kept firing on spikes that were merely larger
 * than earlier ones; with widening levels, a spike of about the size of an earlier one is
 * familiar, and one several times larger is still new.
 */

/** How outer levels widen: the k-th step past an edge maps to ⌈log(1 + k/scale) / log(ratio)⌉. */
export interface OuterLevels {
  /** Steps past the edge at which widening starts to bite (2). */
  readonly scale: number;
  /** Width ratio of successive outer levels (1.5). */
  readonly ratio: number;
}

/** The outer-level index (1, 2, …) of a step count k ≥ 1 past an edge. */
function outer(k: number, o: OuterLevels): number {
  // The small slack keeps exact powers (k = scale·(ratio^m − 1)) in level m despite rounding.
  return Math.max(1, Math.ceil(Math.log(1 + k / o.scale) / Math.log(o.ratio) - 1e-9));
}

/** The last step count k of outer level m (0 for m = 0). */
function lastStep(m: number, o: OuterLevels): number {
  let k = Math.max(0, Math.floor(o.scale * (o.ratio ** m - 1) + 1e-9));
  // Agree with `outer` exactly, whatever the floating-point rounding.
  while (k > 0 && outer(k, o) > m) k--;
  while (outer(k + 1, o) <= m) k++;
  return k;
}

/**
 * Maps a linear grid level (0 … levels − 1 inside the grid) to the detector's level: unchanged
 * inside, widened outside. Monotone, and the identity for levels − 1 and 0.
 */
export function compressLevel(level: number, levels: number, o: OuterLevels | undefined): number {
  if (o === undefined) return level;
  if (level >= levels) return levels - 1 + outer(level - levels + 1, o);
  if (level < 0) return -outer(-level, o);
  return level;
}

/** The linear grid levels [first, last] a detector level covers (the inverse of `compressLevel`). */
export function linearSpan(level: number, levels: number, o: OuterLevels | undefined): [number, number] {
  if (o === undefined || (level >= 0 && level < levels)) return [level, level];
  if (level >= levels) {
    const m = level - levels + 1;
    return [levels - 1 + lastStep(m - 1, o) + 1, levels - 1 + lastStep(m, o)];
  }
  const m = -level;
  return [-lastStep(m, o), -(lastStep(m - 1, o) + 1)];
}
