/**
 * @module
 * A dependency graph compiled to typed arrays for the propagation models: entities are numbered,
 * and for each supplier the dependents that lose an input when it fails are listed in
 * compressed sparse rows, with each dependency's strength, time to impact and type. The models
 * touch only these arrays, so a million dependencies propagate without allocating per edge.
 */
import { AppError } from '@intersoc/core';
import type { DependencyGraph } from './graph.js';
import { DEPENDENCY_TYPES, type Dependency, type DependencyType, type Entity } from './types.js';

const TYPE_INDEX: Readonly<Record<DependencyType, number>> = { physical: 0, cyber: 1, geographic: 2, logical: 3 };

/** The compiled form. */
export interface CompiledGraph {
  /** Entity ids by index. */
  readonly ids: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  /** Dependents of supplier v: `dependent[offsets[v] .. offsets[v+1])`. */
  readonly offsets: Int32Array;
  readonly dependent: Int32Array;
  /** Per compiled edge: strength (0–1), time to impact (hours), type (index into DEPENDENCY_TYPES). */
  readonly strength: Float64Array;
  readonly tti: Float64Array;
  readonly type: Uint8Array;
  /** Number of suppliers of each entity (distinct). */
  readonly inputs: Int32Array;
  /** `minInputs` of each entity. */
  readonly minInputs: Int32Array;
  /** Buffers, hours: `buffers[i * 4 + typeIndex]`. */
  readonly buffers: Float64Array;
}

/** Compiles plain arrays (the benchmark's generator and the importers' fast path use this). */
export function compileArrays(
  entities: readonly Pick<Entity, 'id' | 'minInputs' | 'buffers'>[],
  dependencies: readonly Dependency[],
): CompiledGraph {
  const n = entities.length;
  const ids = entities.map((e) => e.id);
  const index = new Map<string, number>();
  ids.forEach((id, i) => index.set(id, i));
  if (index.size !== n) throw new AppError('VALIDATION', 'duplicate entity ids');
  const m = dependencies.length;
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  const offsets = new Int32Array(n + 1);
  const inputs = new Int32Array(n);
  dependencies.forEach((d, k) => {
    const s = index.get(d.source);
    const t = index.get(d.target);
    if (s === undefined || t === undefined)
      throw new AppError('VALIDATION', `dependency ${d.source} -> ${d.target} names an unknown entity`);
    src[k] = s;
    dst[k] = t;
    offsets[t + 1] = (offsets[t + 1] as number) + 1;
    inputs[s] = (inputs[s] as number) + 1;
  });
  for (let i = 0; i < n; i++) offsets[i + 1] = (offsets[i + 1] as number) + (offsets[i] as number);
  const fill = offsets.slice(0, n);
  const dependent = new Int32Array(m);
  const strength = new Float64Array(m);
  const tti = new Float64Array(m);
  const type = new Uint8Array(m);
  dependencies.forEach((d, k) => {
    const t = dst[k] as number;
    const at = fill[t] as number;
    fill[t] = at + 1;
    dependent[at] = src[k] as number;
    strength[at] = d.strength;
    tti[at] = d.ttiHours;
    type[at] = TYPE_INDEX[d.type];
  });
  const minInputs = new Int32Array(n);
  const buffers = new Float64Array(n * 4);
  entities.forEach((e, i) => {
    minInputs[i] = e.minInputs;
    DEPENDENCY_TYPES.forEach((t, j) => {
      buffers[i * 4 + j] = e.buffers[t] ?? 0;
    });
  });
  return { ids, index, offsets, dependent, strength, tti, type, inputs, minInputs, buffers };
}

/** Compiles a dependency graph. */
export function compile(graph: DependencyGraph): CompiledGraph {
  return compileArrays(graph.entities(), graph.dependencies());
}

/** Indexes of entity ids; unknown ids are a NOT_FOUND error naming them. */
export function indexesOf(c: CompiledGraph, ids: readonly string[]): number[] {
  const missing = ids.filter((id) => !c.index.has(id));
  if (missing.length > 0)
    throw new AppError(
      'NOT_FOUND',
      `not in the graph: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`,
    );
  return [...new Set(ids)].map((id) => c.index.get(id) as number);
}
