/**
 * @module
 * The STIX 2.1 relationship objects (SROs, §5): relationship and sighting, and `Sro`.
 */
import type { StixCommon, StixId, Timestamp } from './common.js';

/** relationship */
export interface Relationship extends StixCommon {
  readonly type: 'relationship';
  readonly relationship_type: string;
  readonly description?: string;
  readonly source_ref: StixId;
  readonly target_ref: StixId;
  readonly start_time?: Timestamp;
  readonly stop_time?: Timestamp;
}
/** sighting */
export interface Sighting extends StixCommon {
  readonly type: 'sighting';
  readonly description?: string;
  readonly first_seen?: Timestamp;
  readonly last_seen?: Timestamp;
  readonly count?: number;
  readonly sighting_of_ref: StixId;
  readonly observed_data_refs?: readonly StixId[];
  readonly where_sighted_refs?: readonly StixId[];
  readonly summary?: boolean;
}

/** Every SRO. */
export type Sro = Relationship | Sighting;
