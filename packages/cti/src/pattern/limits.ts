/**
 * @module
 * Size limits of STIX patterns. Patterns arrive from analysts, TAXII, feeds and peers and are
 * evaluated on every event, so their size bounds the work a single indicator can cost, and
 * their nesting bounds the parser's recursion. One node-wide setting applies to every import
 * path (they all parse through `parsePattern`), without threading the config through each.
 */

/** Limits applied by `parsePattern`. */
export interface PatternLimits {
  /** Characters in the pattern text. */
  readonly maxLength: number;
  /** Comparison terms (each value of an `IN` list counts as one). */
  readonly maxComparisons: number;
  /** Nested brackets and parentheses. */
  readonly maxDepth: number;
}

/** The defaults: far above hand-written and feed patterns, far below what stalls a detector. */
export const DEFAULT_PATTERN_LIMITS: PatternLimits = Object.freeze({
  maxLength: 65_536,
  maxComparisons: 1_000,
  maxDepth: 100,
});

let current: PatternLimits = DEFAULT_PATTERN_LIMITS;

/** The limits in force in this thread. */
export function patternLimits(): PatternLimits {
  return current;
}

/**
 * Sets the limits in force in this thread (the node calls it at start, and each pipeline thread
 * from its detector spec); missing fields keep their defaults. Returns the limits now in force.
 *
 * @example
 * configurePatternLimits({ maxComparisons: 5_000 });
 */
export function configurePatternLimits(limits: Partial<PatternLimits> = {}): PatternLimits {
  const next = { ...DEFAULT_PATTERN_LIMITS, ...limits };
  for (const [k, v] of Object.entries(next)) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`pattern limit ${k} must be a positive integer`);
  }
  current = Object.freeze(next);
  return current;
}
