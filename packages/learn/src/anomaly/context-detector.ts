/**
 * @module
 * A streaming anomaly detector for one numeric series, in the family of the contextual
 * anomaly detector (CAD-OSE): each value is quantised on a grid learned during a
 * probationary period and then frozen (values beyond it get new levels of their own); the
 * detector remembers every (lag, earlier level → current level) transition and every
 * (time-of-day bucket, level) pair it has seen, and a row's score is the share of its
 * transitions never seen before. Past the grid's edges, levels widen geometrically
 * (`outer-levels.ts`), so a spike a little larger than earlier ones is not new. A companion
 * window-shift detector (`window-shift.ts`) watches the mean and spread of the recent window,
 * which catches what transitions miss (a series going flat, noisier, or drifting inside its
 * usual range); the row's score is the larger of the two.
 * After a score at or above `fireAt`, it stays silent for a rest period, so one event is
 * reported once. One pass, in time order, never looking ahead;
 * memory grows with the number of distinct transitions (bounded by levels² × lags). The state
 * can be saved (`snapshot`) and given back to a new detector (`restore`), so a node's live series
 * survive restarts; `expected()` says which values the series has gone to from where it is now.
 */
import type { SeriesDetector } from './nab-corpus.js';
import { compressLevel, linearSpan, type OuterLevels } from './outer-levels.js';
import { createWindowShift, type WindowShiftState } from './window-shift.js';

/** Settings (defaults measured on NAB, see docs/ML-FLOWS.md). */
export interface ContextDetectorOptions {
  /** Rows used to learn the value grid before scoring (NAB: its probationary length). */
  readonly probation: number;
  /** Grid levels across the probationary range (16). */
  readonly levels?: number;
  /** Extra room on each side of that range, as a fraction of it (0.1). */
  readonly margin?: number;
  /** Lags whose transitions are remembered (1–6). */
  readonly lags?: readonly number[];
  /** Time-of-day buckets paired with the level (6, i.e. 4 h); 0 disables. */
  readonly dayBuckets?: number;
  /** A score at or above this fires and starts a rest period (0.85; the transition share's levels are k/7, so 6 of 7). */
  readonly fireAt?: number;
  /** Rest period after firing, as a fraction of the probation length (0.2). */
  readonly rest?: number;
  /**
   * The window-shift companion: window length as a fraction of the probation length (1/8),
   * weight of each window in its running estimates times the probation length (1, i.e.
   * alpha = 1 / probation), and the z-score that maps to 1 (5). `false` turns it off (with
   * `outer: false` too, the detector as first measured, NAB standard 69.33).
   */
  readonly shift?: false | { readonly window?: number; readonly alpha?: number; readonly zmax?: number };
  /**
   * Levels past the grid widen: the k-th step past an edge is in outer level
   * ⌈log(1 + k/scale) / log(ratio)⌉ (scale 2, ratio 1.5). `false` keeps one step per level there
   * (the detector before this change, NAB standard 74.19).
   */
  readonly outer?: false | { readonly scale?: number; readonly ratio?: number };
}

const MAX_LEVEL = 2047;
const LEVEL_SPAN = 4096;

/** A detector's whole state, as plain JSON. */
export interface ContextState {
  readonly rows: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly low: number;
  readonly step: number;
  /** Rows since the last firing (null: never fired). */
  readonly sinceFired: number | null;
  readonly history: readonly number[];
  readonly seen: readonly number[];
  /** The window-shift companion's state (absent in states saved before it existed). */
  readonly shift?: WindowShiftState;
  /**
   * How the levels in `history` and `seen` widen past the grid; null or absent: one step per
   * level (every state saved before outer levels existed). A detector with other settings
   * maps the state's levels onto its own when it restores.
   */
  readonly outer?: OuterLevels | null;
}

/** A context detector with its state and its expectation. */
export interface ContextDetector extends SeriesDetector {
  /** The state to give back to `createContextDetector` (same options) after a restart. */
  snapshot(): ContextState;
  /**
   * The range of values the series has gone to (one step later) from the level it is at now,
   * else its learned range; undefined while nothing was seen.
   */
  expected(): { low: number; high: number } | undefined;
}

/**
 * Creates a detector; `update(time, value)` returns the row's score in [0, 1].
 * @example
 * const d = createContextDetector({ probation: 750 });
 * for (const [t, v] of rows) scores.push(d.update(t, v));
 */
export function createContextDetector(options: ContextDetectorOptions, restore?: ContextState): ContextDetector {
  const probation = Math.max(options.probation, 50);
  const levels = options.levels ?? 16;
  const margin = options.margin ?? 0.1;
  const lags = options.lags ?? [1, 2, 3, 4, 5, 6];
  const buckets = options.dayBuckets ?? 6;
  const fireAt = options.fireAt ?? 0.85;
  const rest = Math.round(probation * (options.rest ?? 0.2));
  const outerOpt = options.outer ?? {};
  const outerLevels: OuterLevels | undefined =
    outerOpt === false ? undefined : { scale: outerOpt.scale ?? 2, ratio: outerOpt.ratio ?? 1.5 };
  const maxLag = Math.max(...lags);
  const history = new Int32Array(maxLag + 1);
  const seen = new Set<number>();
  // A state of another shape (other lags) is not misread: the detector starts afresh.
  const accepted = restore !== undefined && restore.history.length === history.length ? restore : undefined;
  const shiftOptions = options.shift ?? {};
  const shift =
    shiftOptions === false
      ? undefined
      : createWindowShift(
          {
            window: Math.max(4, Math.round(probation * (shiftOptions.window ?? 1 / 8))),
            alpha: (shiftOptions.alpha ?? 1) / probation,
            zmax: shiftOptions.zmax ?? 5,
            // It scores once its estimates hold a probation's worth of windows (rows after the first).
            warmup: probation,
          },
          accepted?.shift,
        );
  let rows = 0;
  let min = Infinity;
  let max = -Infinity;
  let low = 0;
  let step = 1;
  let sinceFired = Infinity;
  if (accepted) {
    rows = accepted.rows;
    min = accepted.min ?? Infinity;
    max = accepted.max ?? -Infinity;
    low = accepted.low;
    step = accepted.step;
    sinceFired = accepted.sinceFired ?? Infinity;
    const remap = levelMapper(accepted.outer ?? undefined, outerLevels, levels);
    history.set(accepted.history.map((c) => remap(c - MAX_LEVEL) + MAX_LEVEL));
    for (const k of accepted.seen) seen.add(remapKey(k, remap));
  }

  const novel = (key: number): number => {
    if (seen.has(key)) return 0;
    seen.add(key);
    return 1;
  };

  return {
    update(time: number, value: number): number {
      rows++;
      const learning = rows <= probation;
      if (learning && Number.isFinite(value)) {
        if (value < min) min = value;
        if (value > max) max = value;
        const range = max - min || Math.abs(max) || 1;
        low = min - range * margin;
        step = (range * (1 + 2 * margin)) / levels;
      }
      let level = Math.floor((value - low) / step);
      if (!Number.isFinite(level)) level = MAX_LEVEL;
      level = learning
        ? Math.min(levels - 1, Math.max(0, level))
        : compressLevel(Math.min(MAX_LEVEL, Math.max(-MAX_LEVEL, level)), levels, outerLevels);
      const current = level + MAX_LEVEL;
      let unseen = 0;
      let total = 0;
      const filled = rows - 1;
      for (const lag of lags) {
        if (lag > filled) continue;
        const before = history[(filled - lag + 1) % history.length] as number;
        unseen += novel((lag * LEVEL_SPAN + before) * LEVEL_SPAN + current);
        total++;
      }
      if (buckets > 0) {
        const bucket = Math.floor(((((time / 3_600_000) % 24) + 24) % 24) / (24 / buckets));
        unseen += novel(-((bucket + 1) * LEVEL_SPAN + current));
        total++;
      }
      history[rows % history.length] = current;
      // The companion learns during the probation too; a state saved before it existed starts it
      // afresh, and it stays at 0 until it has seen `window` windows.
      const shifted = shift?.update(value) ?? 0;
      if (learning) return 0;
      const score = Math.max(total > 0 ? unseen / total : 0, shifted);
      sinceFired++;
      if (sinceFired <= rest) return 0;
      if (score >= fireAt) sinceFired = 0;
      return score;
    },
    snapshot(): ContextState {
      return {
        rows,
        min: Number.isFinite(min) ? min : null,
        max: Number.isFinite(max) ? max : null,
        low,
        step,
        sinceFired: Number.isFinite(sinceFired) ? sinceFired : null,
        history: Array.from(history),
        seen: [...seen],
        ...(shift ? { shift: shift.snapshot() } : {}),
        outer: outerLevels ?? null,
      };
    },
    expected(): { low: number; high: number } | undefined {
      if (rows === 0 || !Number.isFinite(min)) return undefined;
      const before = history[rows % history.length] as number;
      const base = (LEVEL_SPAN + before) * LEVEL_SPAN;
      let lo = Infinity;
      let hi = -Infinity;
      for (const k of seen) {
        const next = k - base;
        if (next < 0 || next >= LEVEL_SPAN) continue;
        if (next < lo) lo = next;
        if (next > hi) hi = next;
      }
      if (!Number.isFinite(lo)) return { low: min, high: max };
      const first = linearSpan(lo - MAX_LEVEL, levels, outerLevels)[0];
      const last = linearSpan(hi - MAX_LEVEL, levels, outerLevels)[1];
      return { low: low + first * step, high: low + (last + 1) * step };
    },
  };
}

/** Maps a level written under one outer-level setting to the same values under another. */
function levelMapper(
  from: OuterLevels | undefined,
  to: OuterLevels | undefined,
  levels: number,
): (level: number) => number {
  const same = from?.scale === to?.scale && from?.ratio === to?.ratio;
  if (same) return (level) => level;
  // An outer level covers several linear ones when widened; its first (nearest the grid) is kept.
  return (level) => compressLevel(linearSpan(level, levels, from)[0], levels, to);
}

/** A `seen` key with its levels mapped (transition keys ≥ 0, time-of-day keys < 0). */
function remapKey(key: number, remap: (level: number) => number): number {
  const level = (c: number): number => remap(c - MAX_LEVEL) + MAX_LEVEL;
  if (key < 0) {
    const bucket = Math.floor(-key / LEVEL_SPAN);
    return -(bucket * LEVEL_SPAN + level(-key % LEVEL_SPAN));
  }
  const current = key % LEVEL_SPAN;
  const rest = Math.floor(key / LEVEL_SPAN);
  const before = rest % LEVEL_SPAN;
  const lag = Math.floor(rest / LEVEL_SPAN);
  return (lag * LEVEL_SPAN + level(before)) * LEVEL_SPAN + level(current);
}
