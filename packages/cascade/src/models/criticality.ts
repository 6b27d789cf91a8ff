/**
 * @module
 * Criticality: what to protect first. For each entity, the impact of its removal (how many
 * others the functional cascade takes down when it alone fails, beyond what is down with no
 * failure at all), its betweenness on the
 * propagation paths (Brandes 2001: exact up to `exactBetweennessUpTo` entities, else estimated
 * from sampled sources, Brandes and Pich 2007), and whether it is an articulation point of the
 * graph taken as undirected (removing it splits the graph). The ranking sorts by removal impact,
 * then betweenness, then articulation.
 */
import { lossThresholds, roundsOf } from './functional.js';
import { seededRandom } from './random.js';
import type { CompiledGraph } from '../model/compiled.js';

/** Criticality of one entity. */
export interface EntityCriticality {
  readonly id: string;
  /** Entities that fail when this one alone fails (itself excluded); undefined when the budget ran out first. */
  readonly removalImpact?: number;
  /** Betweenness on directed propagation paths, normalised to [0, 1] by (n−1)(n−2). */
  readonly betweenness: number;
  readonly articulation: boolean;
}

/** Options of the analysis. */
export interface CriticalityOptions {
  /** Entities to return, best first (default 50). */
  readonly top?: number;
  /** Exact betweenness up to this many entities (default 3,000); above, sampled. */
  readonly exactBetweennessUpTo?: number;
  /** Sampled sources when estimating (default 256). */
  readonly samples?: number;
  /** Dependencies the removal-impact cascades may examine in all (default 50 million). */
  readonly edgeBudget?: number;
  readonly seed?: number;
}

/** The ranked list and how it was computed. */
export interface CriticalityResult {
  readonly entities: readonly EntityCriticality[];
  readonly betweenness: 'exact' | 'sampled';
  /** Entities whose removal impact was computed (all, unless the budget ran out). */
  readonly impactComputed: number;
  readonly articulationPoints: number;
}

/** Betweenness over the propagation direction (supplier → dependent), unnormalised. */
export function betweenness(c: CompiledGraph, sources?: readonly number[]): Float64Array {
  const n = c.ids.length;
  const bc = new Float64Array(n);
  const sigma = new Float64Array(n);
  const dist = new Int32Array(n);
  const delta = new Float64Array(n);
  const order = new Int32Array(n);
  // Predecessors on shortest paths, as (node, pred) pairs in a growable list per source.
  const predHead = new Int32Array(n);
  let predNext = new Int32Array(1024);
  let predNode = new Int32Array(1024);
  const list = sources ?? Array.from({ length: n }, (_, i) => i);
  for (const s of list) {
    sigma.fill(0);
    dist.fill(-1);
    delta.fill(0);
    predHead.fill(-1);
    let preds = 0;
    sigma[s] = 1;
    dist[s] = 0;
    let head = 0;
    let tail = 0;
    order[tail++] = s;
    while (head < tail) {
      const v = order[head++] as number;
      const dv = dist[v] as number;
      for (let k = c.offsets[v] as number, end = c.offsets[v + 1] as number; k < end; k++) {
        const w = c.dependent[k] as number;
        if (w === v) continue;
        if (dist[w] === -1) {
          dist[w] = dv + 1;
          order[tail++] = w;
        }
        if (dist[w] === dv + 1) {
          sigma[w] = (sigma[w] as number) + (sigma[v] as number);
          if (preds === predNext.length) {
            const a = new Int32Array(preds * 2);
            a.set(predNext);
            predNext = a;
            const b = new Int32Array(preds * 2);
            b.set(predNode);
            predNode = b;
          }
          predNode[preds] = v;
          predNext[preds] = predHead[w] as number;
          predHead[w] = preds++;
        }
      }
    }
    for (let i = tail - 1; i > 0; i--) {
      const w = order[i] as number;
      const coeff = (1 + (delta[w] as number)) / (sigma[w] as number);
      for (let p = predHead[w] as number; p !== -1; p = predNext[p] as number) {
        const v = predNode[p] as number;
        delta[v] = (delta[v] as number) + (sigma[v] as number) * coeff;
      }
      bc[w] = (bc[w] as number) + (delta[w] as number);
    }
  }
  return bc;
}

/** Articulation points of the graph taken as undirected (iterative Hopcroft–Tarjan). */
export function articulationPoints(c: CompiledGraph): Uint8Array {
  const n = c.ids.length;
  // Undirected adjacency: every dependency both ways, self-loops dropped.
  const deg = new Int32Array(n + 1);
  for (let v = 0; v < n; v++)
    for (let k = c.offsets[v] as number; k < (c.offsets[v + 1] as number); k++) {
      const u = c.dependent[k] as number;
      if (u === v) continue;
      deg[v + 1] = (deg[v + 1] as number) + 1;
      deg[u + 1] = (deg[u + 1] as number) + 1;
    }
  for (let i = 0; i < n; i++) deg[i + 1] = (deg[i + 1] as number) + (deg[i] as number);
  const adj = new Int32Array(deg[n] as number);
  const fill = deg.slice(0, n);
  for (let v = 0; v < n; v++)
    for (let k = c.offsets[v] as number; k < (c.offsets[v + 1] as number); k++) {
      const u = c.dependent[k] as number;
      if (u === v) continue;
      adj[fill[v]!++] = u;
      adj[fill[u]!++] = v;
    }
  const disc = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const parent = new Int32Array(n).fill(-1);
  const next = new Int32Array(n);
  const children = new Int32Array(n);
  const cut = new Uint8Array(n);
  const stack = new Int32Array(n);
  let time = 0;
  for (let root = 0; root < n; root++) {
    if (disc[root] !== -1) continue;
    let sp = 0;
    stack[sp++] = root;
    disc[root] = low[root] = time++;
    next[root] = deg[root] as number;
    while (sp > 0) {
      const v = stack[sp - 1] as number;
      if ((next[v] as number) < (deg[v + 1] as number)) {
        const w = adj[next[v]!++] as number;
        if (disc[w] === -1) {
          parent[w] = v;
          children[v] = (children[v] as number) + 1;
          disc[w] = low[w] = time++;
          next[w] = deg[w] as number;
          stack[sp++] = w;
        } else if (w !== parent[v]) {
          low[v] = Math.min(low[v] as number, disc[w] as number);
        }
      } else {
        sp--;
        const p = parent[v] as number;
        if (p !== -1) {
          low[p] = Math.min(low[p] as number, low[v] as number);
          if (parent[p] !== -1 && (low[v] as number) >= (disc[p] as number)) cut[p] = 1;
        }
      }
    }
    if ((children[root] as number) > 1) cut[root] = 1;
  }
  return cut;
}

/**
 * Counts the entities a single failure takes down beyond the baseline (what fails with no seed
 * at all: entities that need more suppliers than they have, and what follows from them),
 * reusing memory across calls.
 */
class RemovalCounter {
  private readonly failed: Uint8Array;
  private readonly lost: Int32Array;
  private readonly baseFailed: Uint8Array;
  private readonly baseLost: Int32Array;
  private readonly touched: Int32Array;
  private readonly touchedMark: Uint8Array;
  private readonly queue: Int32Array;
  private readonly need: Int32Array;
  edges = 0;

  constructor(private readonly c: CompiledGraph) {
    const n = c.ids.length;
    this.need = lossThresholds(c);
    const base = roundsOf(c, [], this.need);
    this.baseFailed = new Uint8Array(n);
    this.baseLost = new Int32Array(n);
    for (let v = 0; v < n; v++) {
      if ((base[v] as number) < 0) continue;
      this.baseFailed[v] = 1;
      for (let k = c.offsets[v] as number; k < (c.offsets[v + 1] as number); k++) {
        const u = c.dependent[k] as number;
        this.baseLost[u] = (this.baseLost[u] as number) + 1;
      }
    }
    this.failed = this.baseFailed.slice();
    this.lost = this.baseLost.slice();
    this.touched = new Int32Array(n);
    this.touchedMark = new Uint8Array(n);
    this.queue = new Int32Array(n);
  }

  /** True when the entity is down with no seed. */
  isBaseline(v: number): boolean {
    return this.baseFailed[v] === 1;
  }

  /** Entities failing when `s` fails, beyond the baseline and itself. */
  count(s: number): number {
    const { c, failed, lost, touched, touchedMark, queue, need } = this;
    if (failed[s]) return 0;
    let nt = 0;
    let head = 0;
    let tail = 0;
    failed[s] = 1;
    touchedMark[s] = 1;
    touched[nt++] = s;
    queue[tail++] = s;
    while (head < tail) {
      const v = queue[head++] as number;
      for (let k = c.offsets[v] as number, end = c.offsets[v + 1] as number; k < end; k++) {
        this.edges++;
        const u = c.dependent[k] as number;
        if (failed[u]) continue;
        if (!touchedMark[u]) {
          touchedMark[u] = 1;
          touched[nt++] = u;
        }
        const l = (lost[u] as number) + 1;
        lost[u] = l;
        if (l >= (need[u] as number)) {
          failed[u] = 1;
          queue[tail++] = u;
        }
      }
    }
    for (let i = 0; i < nt; i++) {
      const u = touched[i] as number;
      failed[u] = this.baseFailed[u] as number;
      lost[u] = this.baseLost[u] as number;
      touchedMark[u] = 0;
    }
    return tail - 1;
  }
}

/** Ranks the entities of a graph by what their loss would cost. */
export function criticality(c: CompiledGraph, o: CriticalityOptions = {}): CriticalityResult {
  const n = c.ids.length;
  const exact = n <= (o.exactBetweennessUpTo ?? 3000);
  let sources: number[] | undefined;
  if (!exact) {
    const draw = seededRandom(o.seed ?? 1);
    const k = Math.min(n, o.samples ?? 256);
    const pick = new Set<number>();
    while (pick.size < k) pick.add(Math.floor(draw() * n));
    sources = [...pick];
  }
  const raw = betweenness(c, sources);
  const scale = (exact ? 1 : n / (sources?.length ?? 1)) / Math.max(1, (n - 1) * (n - 2));
  const cut = articulationPoints(c);
  // Removal impact, most promising candidates first so a spent budget leaves out the least likely.
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) =>
      (c.offsets[b + 1] as number) -
        (c.offsets[b] as number) -
        ((c.offsets[a + 1] as number) - (c.offsets[a] as number)) || (raw[b] as number) - (raw[a] as number),
  );
  const impact = new Int32Array(n).fill(-1);
  const counter = new RemovalCounter(c);
  const budget = o.edgeBudget ?? 50_000_000;
  let computed = 0;
  for (const v of order) {
    if (counter.edges > budget) break;
    impact[v] = counter.count(v);
    computed++;
  }
  const all: EntityCriticality[] = [];
  for (let i = 0; i < n; i++) {
    all.push({
      id: c.ids[i] as string,
      ...((impact[i] as number) >= 0 ? { removalImpact: impact[i] as number } : {}),
      betweenness: Math.round((raw[i] as number) * scale * 1e6) / 1e6,
      articulation: cut[i] === 1,
    });
  }
  all.sort(
    (a, b) =>
      (b.removalImpact ?? -1) - (a.removalImpact ?? -1) ||
      b.betweenness - a.betweenness ||
      Number(b.articulation) - Number(a.articulation) ||
      (a.id < b.id ? -1 : 1),
  );
  let points = 0;
  for (let i = 0; i < n; i++) points += cut[i] as number;
  return {
    entities: all.slice(0, o.top ?? 50),
    betweenness: exact ? 'exact' : 'sampled',
    impactComputed: computed,
    articulationPoints: points,
  };
}
