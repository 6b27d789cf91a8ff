/**
 * @module
 * Builds one block's term document for the FTS5 pruning index: the distinct tokens of every
 * field value of every event in the block. The pipeline collects them from the values it has
 * just parsed (`addDerivedTerms`, no second parse); blocks without them (rewritten blocks,
 * other writers) are re-derived with the injected hydrator (`addBlockTerms`).
 */
import type { EcsFields, FlatFields } from '@intersoc/core';
import { addTokens } from '../query/tokens.js';
import { qualifier } from '../query/prune.js';
import type { BlockEvent } from './block.js';
import type { EventHydrator } from './types.js';

/** What an event's term set is built from: the same values search evaluates. */
export interface DerivedValues {
  readonly fields: FlatFields;
  readonly ecs: EcsFields;
}

/** Adds the tokens of every field and ECS value of one event to `set`. */
export function addDerivedTerms(d: DerivedValues, set: Set<string>): void {
  for (const k in d.fields) addValue(d.fields[k], set);
  for (const k in d.ecs) addValue((d.ecs as Record<string, unknown>)[k], set);
}

/**
 * Adds, for group documents, each token of each field also qualified by its field name
 * (`qualifier(field) + token`), so `process.name:net.exe` narrows to groups where `net` and `exe`
 * are in `process.name`, not anywhere in the events.
 */
export function addQualifiedTerms(d: DerivedValues, set: Set<string>): void {
  const tmp = new Set<string>();
  const add = (k: string, v: unknown): void => {
    tmp.clear();
    addValue(v, tmp);
    if (tmp.size === 0) return;
    const q = qualifier(k);
    for (const t of tmp) set.add(q + t);
  };
  for (const k in d.fields) add(k, d.fields[k]);
  for (const k in d.ecs) add(k, (d.ecs as Record<string, unknown>)[k]);
}

/**
 * Events per group of the second, finer term index: search decodes a block whole but re-parses
 * (hydrates) only the groups whose terms can match, which is where a scan spends its time.
 */
export const GROUP_EVENTS = 64;
/** `blocks.indexed` of a block whose group documents hold field-qualified tokens too. */
export const INDEXED_QUALIFIED = 3;
/** Groups per block at most; `group_terms` rowids are `block * MAX_GROUPS + group`. */
export const MAX_GROUPS = 1024;

/** A block's term documents: the whole block's, and each group's when the block is small enough. */
export interface BlockTerms {
  readonly terms: string;
  readonly groups?: readonly string[];
}

/** Term documents of a block's events, re-derived with the hydrator. */
export function addBlockTerms(events: readonly BlockEvent[], hydrator: EventHydrator): BlockTerms {
  const all = new Set<string>();
  const grouped = events.length <= GROUP_EVENTS * MAX_GROUPS;
  const groups: string[] = [];
  let group = new Set<string>();
  events.forEach((e, i) => {
    const d = hydrator.hydrate(e);
    addDerivedTerms(d, all);
    if (!grouped) return;
    addDerivedTerms(d, group);
    addQualifiedTerms(d, group);
    if ((i + 1) % GROUP_EVENTS === 0 || i === events.length - 1) {
      groups.push(Array.from(group).join(' '));
      group = new Set();
    }
  });
  return { terms: Array.from(all).join(' '), ...(grouped ? { groups } : {}) };
}

function addValue(v: unknown, set: Set<string>): void {
  if (v === null || v === undefined) return;
  if (Array.isArray(v)) {
    for (const x of v) addValue(x, set);
    return;
  }
  addTokens(String(v), set);
}
