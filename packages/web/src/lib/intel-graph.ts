/**
 * @module
 * The explored part of the intelligence graph. The analyst starts from one object and expands
 * neighbours one at a time, so a large store never lands on screen at once; this keeps what has
 * been fetched so far, merged without duplicates, and says which nodes can still be expanded.
 */
import type { IntelGraph, IntelObject } from '../api/types';

/** One edge of the explored graph. */
export interface ExploredEdge {
  readonly source: string;
  readonly target: string;
  readonly type: string;
}

/** What has been fetched so far. */
export interface Explored {
  readonly root: string;
  /** Every object seen, in the order it was first seen. */
  readonly nodes: ReadonlyMap<string, IntelObject>;
  /** Edges keyed by `source type target`, so a relationship seen from both ends counts once. */
  readonly edges: ReadonlyMap<string, ExploredEdge>;
  /** Objects whose neighbours have been fetched. */
  readonly expanded: ReadonlySet<string>;
}

const edgeKey = (e: ExploredEdge): string => `${e.source} ${e.type} ${e.target}`;

/** The explored graph right after opening `g.object`: it and its neighbours. */
export function startExploring(g: IntelGraph): Explored {
  return mergeExpansion({ root: g.object.id, nodes: new Map(), edges: new Map(), expanded: new Set() }, g);
}

/** Adds the neighbourhood of `g.object` to what is explored; returns a new value. */
export function mergeExpansion(x: Explored, g: IntelGraph): Explored {
  const nodes = new Map(x.nodes);
  for (const o of [g.object, ...g.nodes]) if (!nodes.has(o.id)) nodes.set(o.id, o);
  const edges = new Map(x.edges);
  for (const e of g.edges) {
    const k = edgeKey(e);
    if (!edges.has(k)) edges.set(k, { source: e.source, target: e.target, type: e.type });
  }
  const expanded = new Set(x.expanded);
  expanded.add(g.object.id);
  return { root: x.root, nodes, edges, expanded };
}

/** Objects seen but not expanded yet, in the order they were first seen. */
export function frontier(x: Explored): readonly IntelObject[] {
  return [...x.nodes.values()].filter((o) => !x.expanded.has(o.id));
}

/** Hops from the root to each object over the explored edges (either direction). */
export function hopsFromRoot(x: Explored): ReadonlyMap<string, number> {
  const next = new Map<string, string[]>();
  const link = (a: string, b: string): void => {
    const list = next.get(a);
    if (list) list.push(b);
    else next.set(a, [b]);
  };
  for (const e of x.edges.values()) {
    link(e.source, e.target);
    link(e.target, e.source);
  }
  const hops = new Map<string, number>([[x.root, 0]]);
  const queue = [x.root];
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i] as string;
    const d = hops.get(at) ?? 0;
    for (const n of next.get(at) ?? []) {
      if (hops.has(n)) continue;
      hops.set(n, d + 1);
      queue.push(n);
    }
  }
  return hops;
}

/**
 * A label a person can read on the graph: names are kept, and STIX patterns or ids, which are
 * long and alike, are shortened to what tells them apart (the value, or the type and id start).
 */
export function readableLabel(o: IntelObject, max = 40): string {
  const pick =
    o.name ?? patternValue(o.pattern) ?? (typeof o.object['value'] === 'string' ? o.object['value'] : undefined);
  const text = pick ?? `${o.type} ${o.id.slice(o.id.indexOf('--') + 2, o.id.indexOf('--') + 10)}`;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The quoted values of a STIX pattern, e.g. `[ipv4-addr:value = '203.0.113.7']` → `203.0.113.7`. */
function patternValue(pattern: string | undefined): string | undefined {
  if (!pattern) return undefined;
  const values = [...pattern.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1] as string);
  if (values.length === 0) return undefined;
  return values.length === 1 ? values[0] : `${values[0]} +${values.length - 1}`;
}
