/**
 * @module
 * What STIX 2.1 objects share: identifiers and timestamps, external references, kill chain
 * phases, granular markings, extension instances, and the common properties of domain and
 * relationship objects (`StixCommon`) and of cyber-observables (`ScoCommon`). Every object type
 * in `sdo.ts`, `sro.ts`, `meta.ts` and `sco.ts` builds on these.
 */

/** A STIX identifier: `<type>--<uuid>`. */
export type StixId = string;
/** An RFC 3339 timestamp in UTC with a `Z` zone, e.g. `2016-05-12T08:17:27.000Z`. */
export type Timestamp = string;

/** External reference (§2.5). */
export interface ExternalReference {
  readonly source_name: string;
  readonly description?: string;
  readonly url?: string;
  readonly hashes?: Readonly<Record<string, string>>;
  readonly external_id?: string;
}

/** Kill chain phase (§2.8). */
export interface KillChainPhase {
  readonly kill_chain_name: string;
  readonly phase_name: string;
}

/** Granular marking (§7.2.3). */
export interface GranularMarking {
  readonly lang?: string;
  readonly marking_ref?: StixId;
  readonly selectors: readonly string[];
}

/** Any extension instance inside `extensions`. */
export interface ExtensionInstance {
  readonly extension_type?: 'new-sdo' | 'new-sco' | 'new-sro' | 'property-extension' | 'toplevel-property-extension';
  readonly [property: string]: unknown;
}

/** Properties every STIX object may carry (package-internal: `types.ts` does not re-export it). */
export interface Open {
  readonly [custom: string]: unknown;
}

/** Common properties of SDOs, SROs, and the meta objects language-content and extension-definition. */
export interface StixCommon extends Open {
  readonly type: string;
  readonly spec_version: '2.1' | '2.0';
  readonly id: StixId;
  readonly created_by_ref?: StixId;
  readonly created: Timestamp;
  readonly modified: Timestamp;
  readonly revoked?: boolean;
  readonly labels?: readonly string[];
  readonly confidence?: number;
  readonly lang?: string;
  readonly external_references?: readonly ExternalReference[];
  readonly object_marking_refs?: readonly StixId[];
  readonly granular_markings?: readonly GranularMarking[];
  readonly extensions?: Readonly<Record<string, ExtensionInstance>>;
}

/** Common properties of cyber-observable objects (§3.1). */
export interface ScoCommon extends Open {
  readonly type: string;
  readonly id: StixId;
  readonly spec_version?: '2.1';
  readonly object_marking_refs?: readonly StixId[];
  readonly granular_markings?: readonly GranularMarking[];
  readonly defanged?: boolean;
  readonly extensions?: Readonly<Record<string, ExtensionInstance>>;
}
