/**
 * @module
 * The Numenta Anomaly Benchmark's scoring, as NAB's `sweeper.py`, `optimizer.py` and the
 * runner's normalisation compute it: rows in a labelled window score a scaled sigmoid of how
 * early they come (the first detection of a window counts, weighted to 1 at its left edge);
 * rows outside windows cost `fpWeight` times a sigmoid of their distance past the previous
 * window (−1 with none before); a missed window costs `fnWeight`; the probationary rows
 * (15 %, at most 750) are not scored. One threshold per detector and profile maximises the
 * corpus total; the total is normalised to 0 for the null detector and 100 for a perfect one.
 */

/** A profile's weights (`config/profiles.json` → `CostMatrix`). */
export interface CostMatrix {
  readonly tpWeight: number;
  readonly fpWeight: number;
  readonly fnWeight: number;
}

/** NAB's three profiles. */
export const NAB_PROFILES: Readonly<Record<'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate', CostMatrix>> = {
  standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  reward_low_FP_rate: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  reward_low_FN_rate: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
};

/** One scored series: row times (epoch ms), the detector's scores, its windows (ms pairs). */
export interface ScoredSeries {
  readonly name: string;
  readonly times: readonly number[];
  readonly scores: readonly number[];
  readonly windows: readonly (readonly [number, number])[];
}

/** The probationary rows NAB leaves unscored: min(⌊0.15 n⌋, 750). */
export function probationLength(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 0.15 * 5000);
}

/** NAB's scaled sigmoid of a relative position (−1 = a window's left edge). */
export function scaledSigmoid(x: number): number {
  return x >= 3 ? -1 : 2 / (1 + Math.exp(5 * x)) - 1;
}

interface Point {
  readonly score: number;
  /** Weighted score this row adds when detected. */
  readonly sweep: number;
  /** Window id (≥ 0), or −1 outside windows. */
  readonly window: number;
}

/** The scorable rows of a series (probation removed), with their sweep scores. */
function sweepPoints(s: ScoredSeries, cost: CostMatrix, windowBase: number, out: Point[]): number {
  const maxTP = scaledSigmoid(-1);
  const probation = probationLength(s.times.length);
  const index = new Map<number, number>();
  s.times.forEach((t, i) => {
    if (!index.has(t)) index.set(t, i);
  });
  const pending = [...s.windows];
  let cur: { right: number; rightTime: number; width: number; id: number } | undefined;
  let prevRight = -1;
  let prevWidth = 0;
  let used = 0;
  for (let i = 0; i < s.times.length; i++) {
    const t = s.times[i] as number;
    const next = pending[0];
    if (next !== undefined && t === next[0]) {
      pending.shift();
      const right = index.get(next[1]) ?? s.times.length - 1;
      cur = { right, rightTime: next[1], width: right - i + 1, id: windowBase + used++ };
    }
    let sweep: number;
    if (cur !== undefined) sweep = (scaledSigmoid(-(cur.right - i + 1) / cur.width) * cost.tpWeight) / maxTP;
    else {
      const position = prevRight < 0 ? 3 : Math.abs(prevRight - i) / (prevWidth - 1);
      sweep = scaledSigmoid(position) * cost.fpWeight;
    }
    if (i >= probation) out.push({ score: s.scores[i] as number, sweep, window: cur?.id ?? -1 });
    if (cur !== undefined && t === cur.rightTime) {
      prevRight = i;
      prevWidth = cur.width;
      cur = undefined;
    }
  }
  return used;
}

/** A threshold and the raw score it gives. */
export interface ThresholdScore {
  readonly threshold: number;
  readonly score: number;
  readonly tp: number;
  readonly fp: number;
}

/** Raw scores at every distinct threshold, highest threshold first (NAB's `calcScoreByThreshold`). */
function scoresByThreshold(points: Point[], cost: CostMatrix, windowsSeen: ReadonlySet<number>): ThresholdScore[] {
  const sorted = [...points].sort((a, b) => b.score - a.score);
  const best = new Map<number, number>();
  for (const w of windowsSeen) best.set(w, -cost.fnWeight);
  let windowSum = -cost.fnWeight * windowsSeen.size;
  let fpSum = 0;
  let tp = 0;
  let fp = 0;
  let threshold = 1.1;
  const out: ThresholdScore[] = [];
  for (const p of sorted) {
    if (p.score !== threshold) {
      out.push({ threshold, score: windowSum + fpSum, tp, fp });
      threshold = p.score;
    }
    if (p.window < 0) {
      fp++;
      fpSum += p.sweep;
    } else {
      tp++;
      const old = best.get(p.window) ?? -cost.fnWeight;
      if (p.sweep > old) {
        best.set(p.window, p.sweep);
        windowSum += p.sweep - old;
      }
    }
  }
  out.push({ threshold, score: windowSum + fpSum, tp, fp });
  return out;
}

/** A corpus score: the optimised threshold, raw totals, and the normalised score. */
export interface NabScore {
  readonly threshold: number;
  readonly raw: number;
  readonly nullRaw: number;
  readonly perfectRaw: number;
  /** 100 × (raw − null) / (perfect − null). */
  readonly normalized: number;
  readonly windows: number;
  readonly tp: number;
  readonly fp: number;
}

/**
 * Scores a detector over a whole corpus for one profile, choosing the threshold as NAB's
 * optimiser does (the one that maximises the corpus total), or at a given threshold.
 * @example
 * const { normalized } = scoreCorpus(series, NAB_PROFILES.standard);
 */
export function scoreCorpus(series: readonly ScoredSeries[], cost: CostMatrix, fixedThreshold?: number): NabScore {
  const points: Point[] = [];
  let windows = 0;
  for (const s of series) windows += sweepPoints(s, cost, windows, points);
  // Windows entirely inside the probationary period are not scored (as in NAB).
  const seen = new Set<number>();
  for (const p of points) if (p.window >= 0) seen.add(p.window);
  const table = scoresByThreshold(points, cost, seen);
  let pick: ThresholdScore;
  if (fixedThreshold === undefined) {
    pick = table.reduce((a, b) => (b.score > a.score ? b : a));
  } else {
    // The row whose detections are exactly the points with score ≥ the threshold.
    pick = table[0] as ThresholdScore;
    for (const row of table) if (row.threshold >= fixedThreshold) pick = row;
  }
  // As NAB's runner: the baseline is the null detector (one constant score) at its own optimised
  // threshold, which on a real corpus is "never fire" (−fnWeight per scored window); a perfect
  // detector scores tpWeight per labelled window.
  const constant = points.map((p) => ({ ...p, score: 0.5 }));
  const nullRaw = Math.max(...scoresByThreshold(constant, cost, seen).map((r) => r.score));
  const perfectRaw = cost.tpWeight * windows;
  return {
    threshold: pick.threshold,
    raw: pick.score,
    nullRaw,
    perfectRaw,
    normalized: (100 * (pick.score - nullRaw)) / (perfectRaw - nullRaw),
    windows: seen.size,
    tp: pick.tp,
    fp: pick.fp,
  };
}
