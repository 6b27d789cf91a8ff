/**
 * @module
 * Seeded random dependency graphs for tests and the benchmark: `n` entities, about `m`
 * distinct dependencies on random suppliers, `minInputs` between 1 and the supplier count
 * (sometimes above it, to exercise the literal rule), random types, strengths, times and buffers.
 */
import { seededRandom } from './random.js';
import { DEPENDENCY_TYPES, type Dependency, type Entity, type GraphData } from '../model/types.js';

/** Options of the generator. */
export interface RandomGraphOptions {
  readonly n: number;
  readonly m: number;
  readonly seed: number;
  /** Share of entities whose minInputs exceeds their suppliers (default 0.02). */
  readonly overDemand?: number;
  /** Share of entities that need every supplier (default 0). */
  readonly fragile?: number;
  /** Integer hours for times and buffers (default true). */
  readonly integerHours?: boolean;
}

/** A random graph. */
export function randomGraph(o: RandomGraphOptions): GraphData {
  const r = seededRandom(o.seed);
  const ids = Array.from({ length: o.n }, (_, i) => `e${i}`);
  const seen = new Set<number>();
  const deps: Dependency[] = [];
  const suppliers = new Int32Array(o.n);
  const hours = (max: number): number =>
    o.integerHours === false ? Math.round(r() * max * 100) / 100 : Math.floor(r() * (max + 1));
  let tries = 0;
  while (deps.length < o.m && tries < o.m * 4) {
    tries++;
    const s = Math.floor(r() * o.n);
    const t = Math.floor(r() * o.n);
    const key = s * o.n + t;
    if (s === t || seen.has(key)) continue;
    seen.add(key);
    suppliers[s] = (suppliers[s] as number) + 1;
    deps.push({
      source: ids[s] as string,
      target: ids[t] as string,
      type: DEPENDENCY_TYPES[Math.floor(r() * 4)] ?? 'physical',
      strength: Math.round((0.3 + 0.7 * r()) * 100) / 100,
      ttiHours: hours(12),
      recoveryHours: hours(48),
    });
  }
  const over = o.overDemand ?? 0.02;
  const entities: Entity[] = ids.map((id, i) => {
    const k = suppliers[i] as number;
    const fragile = o.fragile ?? 0;
    const minInputs = k === 0 ? 1 : r() < over ? k + 1 : r() < fragile ? k : 1 + Math.floor(r() * Math.min(k, 3));
    return { id, kind: 'asset', minInputs, buffers: r() < 0.2 ? { physical: hours(8) } : {} };
  });
  return { entities, dependencies: deps };
}
