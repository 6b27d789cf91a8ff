/**
 * @module
 * The functional cascade. An entity fails when fewer than `minInputs` of its suppliers are
 * alive; an entity without suppliers fails only when seeded. Two clocks over the same rule:
 *
 * - **rounds** (`cascadeRounds`): synchronous propagation. Round 0 is the seeds; round k holds
 *   the entities whose condition first holds given everything that failed in rounds before k.
 *   An entity that needs more suppliers than it has (`minInputs` > its suppliers) is failed
 *   from round 1 on, whatever the seeds: the rule read literally.
 * - **time** (`cascadeTimed`): a supplier's failure reaches a dependent after the dependency's
 *   time to impact. When the losses reach the threshold at time t*, the entity runs on for the
 *   smallest buffer among the types of the inputs it has lost by then (8 hours of batteries
 *   bridge a power loss, not a cyber one); a later loss whose own buffer runs out sooner ends it
 *   sooner. So it fails at min(t* + min buffer of losses up to t*, min over later losses of
 *   their time + their buffer): a definition that does not depend on the order of ties. Events run in time order (a binary heap), so the
 *   failure time of each entity is exact.
 *
 * Both reach the same final set: times only reorder failures. Each failed entity counts the
 * inputs it lost, so every dependency is looked at once at most: O(V + E) for rounds, O(E log E)
 * for time.
 */
import { indexesOf, type CompiledGraph } from '../model/compiled.js';
import { BucketQueue, isMultiple, quantumFor } from './bucket-queue.js';
import { MinHeap } from './heap.js';

/** Outcome of the round model (the `cascade impact --model functional` contract). */
export interface RoundsResult {
  /** Every failed id, seeds first, then round by round. */
  readonly failed: string[];
  /** `steps[0]` are the seeds; `steps[k]` the ids failing in round k. */
  readonly steps: string[][];
}

/** Losses each entity can take before it fails: suppliers − minInputs + 1 (≤ 0: failed outright). */
export function lossThresholds(c: CompiledGraph): Int32Array {
  const n = c.ids.length;
  const need = new Int32Array(n);
  for (let i = 0; i < n; i++) need[i] = (c.inputs[i] as number) - (c.minInputs[i] as number) + 1;
  return need;
}

function compareIds(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y) && x !== y) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Round-by-round propagation from seed indexes; returns the round of each entity (−1 alive). */
export function roundsOf(c: CompiledGraph, seeds: readonly number[], need = lossThresholds(c)): Int32Array {
  const n = c.ids.length;
  const round = new Int32Array(n).fill(-1);
  const lost = new Int32Array(n);
  let frontier: number[] = [];
  for (const s of seeds) {
    if (round[s] !== -1) continue;
    round[s] = 0;
    frontier.push(s);
  }
  let r = 0;
  while (frontier.length > 0 || r === 0) {
    const next: number[] = [];
    if (r === 0) {
      // Entities that cannot have enough inputs fail in round 1 whatever failed before.
      for (let u = 0; u < n; u++) {
        if (round[u] === -1 && (c.inputs[u] as number) > 0 && (need[u] as number) <= 0) {
          round[u] = 1;
          next.push(u);
        }
      }
    }
    for (const v of frontier) {
      for (let k = c.offsets[v] as number, end = c.offsets[v + 1] as number; k < end; k++) {
        const u = c.dependent[k] as number;
        const l = (lost[u] as number) + 1;
        lost[u] = l;
        if (round[u] === -1 && l >= (need[u] as number)) {
          round[u] = r + 1;
          next.push(u);
        }
      }
    }
    frontier = next;
    r++;
  }
  return round;
}

/**
 * The functional cascade in rounds from the given seed ids.
 *
 * @example
 * cascadeRounds(compile(graph), ['substation-1']) // { failed: [...], steps: [['substation-1'], ['telecom-7'], ...] }
 */
export function cascadeRounds(c: CompiledGraph, seedIds: readonly string[]): RoundsResult {
  const round = roundsOf(c, indexesOf(c, seedIds));
  const steps: string[][] = [];
  for (let i = 0; i < round.length; i++) {
    const r = round[i] as number;
    if (r < 0) continue;
    while (steps.length <= r) steps.push([]);
    (steps[r] as string[]).push(c.ids[i] as string);
  }
  for (const s of steps) s.sort(compareIds);
  while (steps.length > 1 && (steps[steps.length - 1] as string[]).length === 0) steps.pop();
  return { failed: steps.flat(), steps };
}

/** A seed of the timed model: an entity failing at a time (hours from now; default 0). */
export interface TimedSeed {
  readonly index: number;
  readonly at?: number;
}

/** Options of the timed model. */
export interface TimedOptions {
  /** Probability draws for the Monte Carlo model: an edge propagates when `draw() < strength`. */
  readonly draw?: () => number;
  /** Ignore failures later than this many hours (default: none). */
  readonly horizonHours?: number;
  /** Reused buffers (the Monte Carlo model runs many times over one graph). */
  readonly scratch?: TimedScratch;
  /** `heap` forces the binary heap (tests compare the two queues); default: the bucket queue where it fits. */
  readonly queue?: 'auto' | 'heap';
}

/** Working memory of the timed model, reusable across runs over one graph. */
export class TimedScratch {
  readonly time: Float64Array;
  readonly lost: Int32Array;
  /** Smallest buffer among the inputs each entity has lost so far. */
  readonly minBuffer: Float64Array;
  /** 1 for an entity that has failed (a small array the hot loop checks instead of `time`). */
  readonly down: Uint8Array;
  /** 1 for an entity with any buffer (the others need no look-up in `buffers`). */
  readonly buffered: Uint8Array;
  readonly heap: MinHeap;
  /** Set when every delay of the graph is a multiple of one quantum. */
  readonly buckets: BucketQueue | undefined;
  /** Largest time to impact plus largest buffer, hours. */
  readonly span: number;
  readonly need: Int32Array;
  /** Entities touched by the last run (to reset only them). */
  readonly touched: Int32Array;
  /** Entities that need more suppliers than they have: failed at time 0 in every run. */
  readonly outright: Int32Array;
  touchedCount = 0;

  constructor(c: CompiledGraph) {
    const n = c.ids.length;
    this.time = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    this.lost = new Int32Array(n);
    this.minBuffer = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    this.down = new Uint8Array(n);
    this.buffered = new Uint8Array(n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < 4; j++) if ((c.buffers[i * 4 + j] as number) > 0) this.buffered[i] = 1;
    this.need = lossThresholds(c);
    this.touched = new Int32Array(n);
    this.heap = new MinHeap(1024);
    let maxTti = 0;
    for (let k = 0; k < c.tti.length; k++) maxTti = Math.max(maxTti, c.tti[k] as number);
    let maxBuffer = 0;
    for (let k = 0; k < c.buffers.length; k++) maxBuffer = Math.max(maxBuffer, c.buffers[k] as number);
    this.span = maxTti + maxBuffer;
    const q = quantumFor(c.tti, this.span);
    const qb = q && quantumFor(c.buffers, this.span);
    this.buckets =
      q && qb ? new BucketQueue(Math.min(q.quantum, qb.quantum), Math.max(q.buckets, qb.buckets) * 2) : undefined;
    const outright: number[] = [];
    for (let u = 0; u < n; u++) if ((c.inputs[u] as number) > 0 && (this.need[u] as number) <= 0) outright.push(u);
    this.outright = Int32Array.from(outright);
  }

  reset(): void {
    for (let i = 0; i < this.touchedCount; i++) {
      const u = this.touched[i] as number;
      this.time[u] = Number.POSITIVE_INFINITY;
      this.lost[u] = 0;
      this.minBuffer[u] = Number.POSITIVE_INFINITY;
      this.down[u] = 0;
    }
    this.touchedCount = 0;
    this.heap.clear();
    this.buckets?.clear();
  }
}

// Heap payloads: a failure of entity u is `u`; an input lost by u through edge k is `-(k + 1)`.

/**
 * Failure times in hours from seed indexes: `time[i]` is +Infinity for entities that stay up.
 * The returned array belongs to the scratch (copy it before the next run).
 */
export function cascadeTimes(c: CompiledGraph, seeds: readonly TimedSeed[], o: TimedOptions = {}): Float64Array {
  const s = o.scratch ?? new TimedScratch(c);
  s.reset();
  const { time, lost, need, touched, minBuffer, down, buffered } = s;
  // The bucket queue takes seeds that fit its ring; seeds spread wider in time go to the heap.
  let heap: MinHeap | BucketQueue = s.heap;
  if (s.buckets && o.queue !== 'heap') {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const seed of seeds) {
      lo = Math.min(lo, seed.at ?? 0);
      hi = Math.max(hi, seed.at ?? 0);
    }
    if (seeds.length === 0 || (hi - lo <= s.span && seeds.every((x) => isMultiple(x.at ?? 0, s.buckets?.quantum ?? 1))))
      heap = s.buckets;
  }
  const horizon = o.horizonHours ?? Number.POSITIVE_INFINITY;
  const draw = o.draw;
  const touch = (u: number): void => {
    if (lost[u] === 0 && down[u] === 0) touched[s.touchedCount++] = u;
  };
  const edgeOwner = c.dependent;
  for (const seed of seeds) heap.push(seed.at ?? 0, seed.index);
  for (const u of s.outright) heap.push(0, u);
  while (heap.size > 0) {
    const t = heap.peekKey();
    const p = heap.pop();
    if (t > horizon) break;
    if (p >= 0) {
      if (down[p] === 1) continue;
      touch(p);
      down[p] = 1;
      time[p] = t;
      for (let k = c.offsets[p] as number, end = c.offsets[p + 1] as number; k < end; k++) {
        const u = edgeOwner[k] as number;
        if (down[u] === 1) continue;
        if (draw && (c.strength[k] as number) < 1 && draw() >= (c.strength[k] as number)) continue;
        heap.push(t + (c.tti[k] as number), -(k + 1));
      }
    } else {
      const k = -p - 1;
      const u = edgeOwner[k] as number;
      if (down[u] === 1) continue;
      touch(u);
      const l = (lost[u] as number) + 1;
      lost[u] = l;
      const b = buffered[u] === 1 ? (c.buffers[u * 4 + (c.type[k] as number)] as number) : 0;
      const nu = need[u] as number;
      if (l < nu) {
        if (b < (minBuffer[u] as number)) minBuffer[u] = b;
      } else if (l === nu) {
        heap.push(t + Math.min(b, minBuffer[u] as number), u);
      } else {
        heap.push(t + b, u);
      }
    }
  }
  return time;
}

/** One failure on the timeline. */
export interface TimedFailure {
  readonly id: string;
  /** Hours after the seeds failed. */
  readonly at: number;
}

/** The timed functional cascade from seed ids (all failing at time 0 unless `at` says otherwise). */
export function cascadeTimed(
  c: CompiledGraph,
  seedIds: readonly string[],
  o: { readonly at?: Readonly<Record<string, number>>; readonly horizonHours?: number } = {},
): TimedFailure[] {
  const seeds = indexesOf(c, seedIds).map((index) => ({ index, at: o.at?.[c.ids[index] as string] ?? 0 }));
  const time = cascadeTimes(c, seeds, o.horizonHours === undefined ? {} : { horizonHours: o.horizonHours });
  const out: TimedFailure[] = [];
  for (let i = 0; i < time.length; i++) {
    const t = time[i] as number;
    if (t !== Number.POSITIVE_INFINITY) out.push({ id: c.ids[i] as string, at: t });
  }
  return out.sort((a, b) => a.at - b.at || compareIds(a.id, b.id));
}
