/**
 * @module
 * Feature binning for histogram trees: each feature's values map to at most 255 ordered bins
 * (quantiles of its distinct values), plus one bin for missing values (NaN). Trees then split on
 * bin boundaries, and a boundary's upper edge becomes the split threshold on raw values
 * (`x <= edge` goes left), so the trained model needs no bins to score.
 */

/** The bin reserved for missing values. */
export const MISSING_BIN = 255;
/** Bins available to present values. */
export const MAX_BINS = 255;

/** Upper edges of each feature's bins, ascending: bin b holds (edges[b-1], edges[b]]. */
export interface FeatureBins {
  readonly edges: readonly Float64Array[];
}

/** Rows sampled to place bin edges (all rows when fewer). */
const SAMPLE_ROWS = 200_000;

/**
 * Computes bin edges from a row-major matrix (`rows` × `cols`).
 * @example
 * const bins = fitBins(x, n, f); const binned = applyBins(x, n, f, bins);
 */
export function fitBins(x: Float64Array, rows: number, cols: number, maxBins = MAX_BINS): FeatureBins {
  const step = rows > SAMPLE_ROWS ? rows / SAMPLE_ROWS : 1;
  const take = Math.min(rows, SAMPLE_ROWS);
  const edges: Float64Array[] = [];
  const v = new Float64Array(take);
  for (let f = 0; f < cols; f++) {
    let m = 0;
    for (let s = 0; s < take; s++) {
      const val = x[Math.floor(s * step) * cols + f] as number;
      if (!Number.isNaN(val)) v[m++] = val;
    }
    const sorted = v.subarray(0, m).sort();
    edges.push(edgesOf(sorted, maxBins));
  }
  return { edges };
}

/** Edges from sorted values: every distinct value when few, else quantiles of the values. */
function edgesOf(sorted: Float64Array, maxBins: number): Float64Array {
  const distinct: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const val = sorted[i] as number;
    if (distinct.length > 0 && distinct[distinct.length - 1] === val) counts[counts.length - 1]!++;
    else {
      distinct.push(val);
      counts.push(1);
    }
  }
  if (distinct.length <= maxBins) return Float64Array.from(distinct);
  // Quantile edges: close a bin once it holds its share of the remaining values, so a value
  // that alone fills many shares still gets one bin and the rest spread over what is left.
  const out: number[] = [];
  let remaining = sorted.length;
  let binsLeft = maxBins;
  let acc = 0;
  for (let i = 0; i < distinct.length; i++) {
    acc += counts[i] as number;
    const share = remaining / binsLeft;
    const last = i === distinct.length - 1;
    if (acc >= share || last || distinct.length - i <= binsLeft - 1) {
      out.push(distinct[i] as number);
      remaining -= acc;
      acc = 0;
      binsLeft--;
      if (binsLeft === 0 && !last) {
        out[out.length - 1] = distinct[distinct.length - 1] as number;
        break;
      }
    }
  }
  return Float64Array.from(out);
}

/** The bin of `value` under `edges`: the first edge >= value, the last bin beyond, MISSING_BIN for NaN. */
export function binOf(edges: Float64Array, value: number): number {
  if (Number.isNaN(value)) return MISSING_BIN;
  let lo = 0;
  let hi = edges.length - 1;
  if (hi < 0) return 0;
  if (value > (edges[hi] as number)) return hi;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((edges[mid] as number) >= value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Bins a row-major matrix into a column-major byte matrix (`binned[f * rows + i]`). */
export function applyBins(x: Float64Array, rows: number, cols: number, bins: FeatureBins): Uint8Array {
  const out = new Uint8Array(rows * cols);
  for (let f = 0; f < cols; f++) {
    const e = bins.edges[f] as Float64Array;
    const base = f * rows;
    for (let i = 0; i < rows; i++) out[base + i] = binOf(e, x[i * cols + f] as number);
  }
  return out;
}
