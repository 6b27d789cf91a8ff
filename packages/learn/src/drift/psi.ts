/**
 * @module
 * Drift of a model's inputs: the population stability index (PSI) per feature between the rows a
 * model was trained on and the rows it scores now. Training keeps a small profile per feature
 * (decile edges of its values and the share of rows in each bin, plus the share of missing
 * values); live rows are counted into the same bins. PSI = Σ (live − train) × ln(live / train)
 * over the bins. The usual reading, which we follow: below 0.1 stable, 0.1–0.25 a moderate
 * shift worth a look, above 0.25 a shift large enough that the model's figures no longer hold.
 */

/** One feature's training distribution. */
export interface FeatureProfile {
  readonly feature: string;
  /** Bin edges (ascending, unique): bin k holds values ≤ edges[k]; the last bin the rest. */
  readonly edges: readonly number[];
  /** Share of training rows per bin (edges.length + 1 bins), then the share of missing values. */
  readonly shares: readonly number[];
}

/** Drift levels, by the largest feature PSI. */
export type DriftStatus = 'stable' | 'moderate' | 'drifted' | 'unknown';

/** PSI at or above which a feature (and its model) counts as drifted. */
export const PSI_DRIFTED = 0.25;
/** PSI at or above which a shift is worth a look. */
export const PSI_MODERATE = 0.1;

/** A drift report. */
export interface DriftReport {
  readonly rows: number;
  readonly status: DriftStatus;
  readonly maxPsi: number;
  /** Features by PSI, largest first. */
  readonly features: readonly { feature: string; psi: number }[];
}

/** Shares never go below this in the PSI sum (an empty bin would give an infinite index). */
const FLOOR = 1e-4;

/** Bin of a value (the missing bin for NaN). */
function binOf(edges: readonly number[], v: number): number {
  if (Number.isNaN(v)) return edges.length + 1;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= (edges[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Profiles the features of `rows` row-major rows (`cols` features each) at the given row indices.
 * @example
 * const profile = profileRows(d.x, d.cols, names, trainRows);
 */
export function profileRows(
  x: Float64Array,
  cols: number,
  names: readonly string[],
  rowIndex: readonly number[],
  bins = 10,
): FeatureProfile[] {
  const out: FeatureProfile[] = [];
  const values = new Float64Array(rowIndex.length);
  for (let f = 0; f < cols; f++) {
    let n = 0;
    for (const r of rowIndex) {
      const v = x[r * cols + f] as number;
      if (!Number.isNaN(v)) values[n++] = v;
    }
    const sorted = values.subarray(0, n).slice().sort();
    const edges: number[] = [];
    for (let k = 1; k < bins; k++) {
      if (n === 0) break;
      const q = sorted[Math.min(n - 1, Math.floor((k * n) / bins))] as number;
      if (edges.length === 0 || q > (edges[edges.length - 1] as number)) edges.push(q);
    }
    const counts = new Float64Array(edges.length + 2);
    for (const r of rowIndex) {
      const b = binOf(edges, x[r * cols + f] as number);
      counts[b] = (counts[b] as number) + 1;
    }
    const total = Math.max(1, rowIndex.length);
    out.push({
      feature: names[f] ?? `f${f}`,
      edges,
      shares: Array.from(counts, (c) => Math.round((c / total) * 1e6) / 1e6),
    });
  }
  return out;
}

/**
 * Counts live rows into a profile's bins and reports the PSI per feature.
 * @example
 * const c = new DriftCounter(profile); for (const row of rows) c.add(row); c.report();
 */
export class DriftCounter {
  private readonly counts: Float64Array[];
  private n = 0;

  constructor(private readonly profile: readonly FeatureProfile[]) {
    this.counts = profile.map((p) => new Float64Array(p.edges.length + 2));
  }

  /** Adds one row (features in profile order) at `offset`. */
  add(row: ArrayLike<number>, offset = 0): void {
    for (let f = 0; f < this.profile.length; f++) {
      const c = this.counts[f] as Float64Array;
      const b = binOf((this.profile[f] as FeatureProfile).edges, row[offset + f] as number);
      c[b] = (c[b] as number) + 1;
    }
    this.n++;
  }

  /** Rows counted so far. */
  get rows(): number {
    return this.n;
  }

  /** PSI per feature, largest first, and the model's status (`unknown` below `minRows`). */
  report(minRows = 100): DriftReport {
    // Too few rows give no figure at all rather than large, meaningless ones.
    if (this.n < minRows) return { rows: this.n, status: 'unknown', maxPsi: 0, features: [] };
    const features = this.profile.map((p, f) => {
      const c = this.counts[f] as Float64Array;
      let psi = 0;
      for (let b = 0; b < c.length; b++) {
        const expected = Math.max(FLOOR, p.shares[b] ?? 0);
        const actual = Math.max(FLOOR, this.n > 0 ? (c[b] as number) / this.n : 0);
        psi += (actual - expected) * Math.log(actual / expected);
      }
      return { feature: p.feature, psi: Math.round(psi * 1e4) / 1e4 };
    });
    features.sort((a, b) => b.psi - a.psi || a.feature.localeCompare(b.feature));
    const maxPsi = features[0]?.psi ?? 0;
    const status: DriftStatus = maxPsi >= PSI_DRIFTED ? 'drifted' : maxPsi >= PSI_MODERATE ? 'moderate' : 'stable';
    return { rows: this.n, status, maxPsi, features };
  }
}
