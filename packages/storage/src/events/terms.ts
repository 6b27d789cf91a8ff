/**
 * @module
 * Builds one block's term document for the FTS5 pruning index: the distinct tokens of every
 * field value of every event in the block, re-derived with the injected hydrator.
 */
import { addTokens } from '../query/tokens.js';
import type { BlockEvent } from './block.js';
import type { EventHydrator } from './types.js';

/** Space-separated distinct tokens of a block's events. */
export function addBlockTerms(events: readonly BlockEvent[], hydrator: EventHydrator): string {
  const set = new Set<string>();
  for (const e of events) {
    const { fields, ecs } = hydrator.hydrate(e);
    for (const v of Object.values(fields)) addValue(v, set);
    for (const v of Object.values(ecs)) addValue(v, set);
  }
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
