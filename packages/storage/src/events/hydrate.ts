/**
 * @module
 * A stored event made whole again: its fields and ECS projection re-derived from the raw record
 * by the injected hydrator. Every store (SQLite reader, PostgreSQL reader, the column indexer)
 * goes through here, so an event that cannot be re-parsed is handled the same way everywhere.
 */
import type { SocEvent } from '@intersoc/core';
import type { BlockEvent } from './block.js';
import type { DerivedValues } from './terms.js';
import type { EventHydrator } from './types.js';

/** The event's fields and ECS values; none when its record can no longer be parsed. */
export function deriveValues(hydrator: EventHydrator, b: BlockEvent): DerivedValues {
  try {
    return hydrator.hydrate(b);
  } catch {
    return { fields: {}, ecs: {} };
  }
}

/** The full event of `tenant` for a stored one. */
export function hydrateEvent(hydrator: EventHydrator, tenant: string, b: BlockEvent): SocEvent {
  const derived = deriveValues(hydrator, b);
  const e: SocEvent = {
    id: b.id,
    time: b.time,
    ingested: b.ingested,
    tenant,
    source: b.source,
    raw: b.raw,
    fields: derived.fields,
    ecs: derived.ecs,
  };
  return b.label === undefined ? e : { ...e, label: b.label };
}
