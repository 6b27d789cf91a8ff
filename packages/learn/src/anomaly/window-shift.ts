/**
 * @module
 * A streaming detector of shifts in a series' recent window: the mean and the log standard
 * deviation of the last `window` values are compared with exponentially weighted running
 * estimates of their usual mean and spread, learned from earlier windows only (each window's
 * statistics enter the estimates `window` rows after it closes, so an ongoing change is not
 * absorbed into the yardstick it is measured against). The score is the larger of the two
 * z-scores over `zmax`, clamped to [0, 1]. It sees what the context detector misses: a series
 * that goes flat, gets noisier or denser in spikes, or drifts to a level inside its usual range.
 * One pass, in time order, O(window) per row and O(window) memory.
 */

/** Settings of a window-shift detector. */
export interface WindowShiftOptions {
  /** Values per window. */
  readonly window: number;
  /** Weight of each new window in the running estimates (an exponential moving average). */
  readonly alpha: number;
  /** The z-score that maps to a score of 1. */
  readonly zmax: number;
  /**
   * Windows that must be in the estimates before it scores (default `window`). Overlapping
   * windows are far from independent, so early estimates of the spread are too narrow.
   */
  readonly warmup?: number;
}

/** A window-shift detector's whole state, as plain JSON. */
export interface WindowShiftState {
  /** The last `window` values, oldest first. */
  readonly values: readonly number[];
  /** Statistics (mean, log sd) of the windows not yet in the estimates, oldest first. */
  readonly pending: readonly (readonly [number, number])[];
  /** Windows in the estimates. */
  readonly count: number;
  /** Running estimates: mean and variance of window means, of window log sds. */
  readonly estimates: readonly [number, number, number, number];
}

/** A window-shift detector: `update` scores a value (0 until `warmup` windows are in its estimates). */
export interface WindowShift {
  update(value: number): number;
  snapshot(): WindowShiftState;
}

// Keeps log(sd) finite for a flat window while still telling "flat" from "a little noise".
const TINY = 1e-9;

/** Creates a window-shift detector, optionally from a saved state of the same window length. */
export function createWindowShift(options: WindowShiftOptions, restore?: WindowShiftState): WindowShift {
  const { window: w, alpha, zmax } = options;
  const warmup = options.warmup ?? w;
  // Ring buffers, oldest first from `head` / `pendingHead`: no shifting or allocation per row.
  const values = new Float64Array(w);
  let head = 0;
  let filled = 0;
  const pending = new Float64Array(2 * (w + 1));
  let pendingHead = 0;
  let pendingLength = 0;
  let count = 0;
  let [meanM, varM, meanS, varS] = [0, 0, 0, 0];
  const push = (value: number): void => {
    if (filled < w) values[(head + filled++) % w] = value;
    else {
      values[head] = value;
      head = (head + 1) % w;
    }
  };
  const pushPending = (m: number, sd: number): void => {
    const at = ((pendingHead + pendingLength++) % (w + 1)) * 2;
    pending[at] = m;
    pending[at + 1] = sd;
  };
  if (restore && restore.values.length <= w && restore.pending.length <= w) {
    for (const v of restore.values) push(v);
    for (const [m, sd] of restore.pending) pushPending(m, sd);
    count = restore.count;
    [meanM, varM, meanS, varS] = restore.estimates;
  }
  return {
    update(value: number): number {
      push(Number.isFinite(value) ? value : 0);
      if (filled < w) return 0;
      // Two passes over the window, oldest first: exact for large values with a small spread.
      let sum = 0;
      for (let i = head; i < w; i++) sum += values[i] as number;
      for (let i = 0; i < head; i++) sum += values[i] as number;
      const m = sum / w;
      let sq = 0;
      for (let i = head; i < w; i++) sq += ((values[i] as number) - m) ** 2;
      for (let i = 0; i < head; i++) sq += ((values[i] as number) - m) ** 2;
      const s = Math.log(Math.sqrt(sq / w) + TINY);
      // Scored against the estimates from windows that closed at least `window` rows ago, once
      // enough windows are in for a spread to mean anything.
      let score = 0;
      if (count >= warmup) {
        const z = Math.max(
          Math.abs(m - meanM) / Math.sqrt(varM + 1e-12),
          Math.abs(s - meanS) / Math.sqrt(varS + 1e-12),
        );
        score = Math.min(1, z / zmax);
      }
      pushPending(m, s);
      if (pendingLength > w) {
        const pm = pending[pendingHead * 2] as number;
        const ps = pending[pendingHead * 2 + 1] as number;
        pendingHead = (pendingHead + 1) % (w + 1);
        pendingLength--;
        if (count === 0) [meanM, varM, meanS, varS] = [pm, 0, ps, 0];
        else {
          // The first windows weigh 1/n, as a plain mean would, until alpha takes over.
          const a = Math.max(alpha, 1 / (count + 1));
          const dm = pm - meanM;
          meanM += a * dm;
          varM = (1 - a) * (varM + a * dm * dm);
          const ds = ps - meanS;
          meanS += a * ds;
          varS = (1 - a) * (varS + a * ds * ds);
        }
        count++;
      }
      return score;
    },
    snapshot(): WindowShiftState {
      return {
        values: Array.from({ length: filled }, (_, i) => values[(head + i) % w] as number),
        pending: Array.from({ length: pendingLength }, (_, i) => {
          const at = ((pendingHead + i) % (w + 1)) * 2;
          return [pending[at] as number, pending[at + 1] as number] as const;
        }),
        count,
        estimates: [meanM, varM, meanS, varS],
      };
    },
  };
}
