/**
 * @module
 * A small seeded generator (mulberry32) and a Poisson sampler, for reproducible test series,
 * simulated sector data and the benchmark.
 */

/** Returns a function giving uniform numbers in [0, 1) from `seed`. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Poisson draw with mean `lambda` (Knuth for small means, normal approximation above 50). */
export function poisson(r: () => number, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 50) {
    const u = Math.max(1e-12, r());
    const v = r();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
  }
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= r();
  } while (p > l);
  return k - 1;
}

/**
 * An hourly count series with a daily and a weekly cycle around `base` (a SOC's alert volume:
 * busy office hours, quiet weekends).
 */
export function hourlyCounts(r: () => number, hours: number, base: number, phase = 0): Float64Array {
  const y = new Float64Array(hours);
  for (let t = 0; t < hours; t++) {
    const hour = (t + phase) % 24;
    const day = Math.floor((t + phase) / 24) % 7;
    const daily = 1 + 0.6 * Math.sin((2 * Math.PI * (hour - 6)) / 24);
    const weekly = day >= 5 ? 0.5 : 1;
    y[t] = poisson(r, base * daily * weekly);
  }
  return y;
}
