/**
 * @module
 * STIX sightings for indicator matches: "this indicator was seen here, at this time, this
 * often", the object a SOC shares back with the source of the intelligence.
 */
import { createHash } from 'node:crypto';
import type { Sighting } from '@intersoc/cti';

/** What a sighting records. */
export interface SightingInput {
  /** STIX id of the indicator (non-STIX sources get an `x-` prefixed reference elsewhere). */
  readonly indicatorId: string;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly count: number;
  /** Identity of the sighting organisation (the node or tenant). */
  readonly whereSighted?: string;
  /** Event ids, kept as a custom property for traceability. */
  readonly eventIds: readonly string[];
}

/** Deterministic UUID-shaped id from text, so replays produce the same sighting. */
function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16] as string, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Builds the sighting. Its id derives from indicator and events, so replays do not duplicate. */
export function buildSighting(input: SightingInput, now = Date.now()): Sighting {
  const ts = new Date(now).toISOString();
  const id = `sighting--${uuidFrom(`${input.indicatorId}\0${input.eventIds.join(',')}`)}`;
  const sightingOf = /^[a-z][a-z0-9-]*--[0-9a-f-]{36}$/.test(input.indicatorId)
    ? input.indicatorId
    : `indicator--${uuidFrom(input.indicatorId)}`;
  return {
    type: 'sighting',
    spec_version: '2.1',
    id,
    created: ts,
    modified: ts,
    sighting_of_ref: sightingOf,
    first_seen: new Date(input.firstSeen).toISOString(),
    last_seen: new Date(input.lastSeen).toISOString(),
    count: input.count,
    ...(input.whereSighted === undefined ? {} : { where_sighted_refs: [input.whereSighted] }),
    x_intersoc_event_ids: [...input.eventIds],
    ...(sightingOf === input.indicatorId ? {} : { x_intersoc_indicator_ref: input.indicatorId }),
  };
}
