/**
 * @module
 * Builds one block's term document for the FTS5 pruning index: the distinct tokens of every
 * field value of every event in the block. The pipeline collects them from the values it has
 * just parsed (`addDerivedTerms`, no second parse); blocks without them (rewritten blocks,
 * other writers) are re-derived with the injected hydrator (`addBlockTerms`).
 */
import type { EcsFields, FlatFields } from '@intersoc/core';
import { addTokens } from '../query/tokens.js';
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

/** Space-separated distinct tokens of a block's events. */
export function addBlockTerms(events: readonly BlockEvent[], hydrator: EventHydrator): string {
  const set = new Set<string>();
  for (const e of events) addDerivedTerms(hydrator.hydrate(e), set);
  return Array.from(set).join(' ');
}

function addValue(v: unknown, set: Set<string>): void {
  if (v === null || v === undefined) return;
  if (Array.isArray(v)) {
    for (const x of v) addValue(x, set);
    return;
  }
  addTokens(String(v), set);
}
