/**
 * @module
 * Observations: what a pattern is matched against. An observation is one observed-data (or one
 * event) with its time window and the cyber-observables it holds, keyed so that `*_ref`
 * properties resolve: local keys for the deprecated inline `objects`, STIX ids otherwise.
 */
import type { StixObject } from '../stix/types.js';

/** A cyber-observable as seen by the matcher. */
export type ObservedObject = Readonly<Record<string, unknown>>;

/** One observation. */
export interface Observation {
  /** First and last observed, epoch ms. */
  readonly first: number;
  readonly last: number;
  /** number_observed. */
  readonly count: number;
  /** The observables in scope, keyed by local key or id. */
  readonly objects: ReadonlyMap<string, ObservedObject>;
  /** Keys of the observation's own (root) objects; references may reach other objects. */
  readonly roots: readonly string[];
  /** Id of the observed-data, when it came from one. */
  readonly id?: string;
}

/**
 * The observations in a set of STIX objects (bundles flattened): one per observed-data, with
 * its inline objects or its object_refs resolved against all SCOs of the set.
 */
export function observationsFromObjects(objects: readonly unknown[]): Observation[] {
  const all: Record<string, unknown>[] = [];
  const flatten = (o: unknown): void => {
    if (Array.isArray(o)) o.forEach(flatten);
    else if (o && typeof o === 'object') {
      const r = o as Record<string, unknown>;
      if (r['type'] === 'bundle' && Array.isArray(r['objects'])) (r['objects'] as unknown[]).forEach(flatten);
      else all.push(r);
    }
  };
  flatten(objects);
  const byId = new Map<string, ObservedObject>();
  for (const o of all) if (typeof o['id'] === 'string') byId.set(o['id'], o);
  const out: Observation[] = [];
  for (const o of all) {
    if (o['type'] !== 'observed-data') continue;
    const first = Date.parse(String(o['first_observed']));
    const last = Date.parse(String(o['last_observed']));
    const count = typeof o['number_observed'] === 'number' ? o['number_observed'] : 1;
    const inline = o['objects'];
    // A 2.1 observed-data may carry an empty deprecated `objects` beside its `object_refs`.
    if (inline && typeof inline === 'object' && !Array.isArray(o['object_refs'])) {
      const map = new Map(Object.entries(inline as Record<string, ObservedObject>));
      out.push({ first, last, count, objects: map, roots: [...map.keys()], id: String(o['id']) });
      continue;
    }
    const refs = Array.isArray(o['object_refs']) ? (o['object_refs'] as string[]) : [];
    // References from the observation's SCOs may reach SCOs outside object_refs; keep them all in scope.
    out.push({ first, last, count, objects: byId, roots: refs.filter((r) => byId.has(r)), id: String(o['id']) });
  }
  return out;
}

/** Builds an observation from SCOs directly (e.g. a single event mapped to SCOs). */
export function observationOf(
  objects: ReadonlyMap<string, ObservedObject>,
  time: number,
  roots: readonly string[] = [...objects.keys()],
): Observation {
  return { first: time, last: time, count: 1, objects, roots };
}

/** Type guard helper for callers holding typed STIX objects. */
export function isObservedData(o: StixObject): boolean {
  return o.type === 'observed-data';
}
