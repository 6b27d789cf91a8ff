/**
 * @module
 * The dependency model: entities (assets, services, organisations, sectors, locations) and the
 * dependencies between them, typed after Rinaldi, Peerenboom and Kelly (2001): physical, cyber,
 * geographic and logical. A dependency reads "source depends on target" and carries a strength
 * (the probability that the target's failure reaches the source), a time to impact and a
 * recovery time, in hours. An entity may declare buffers per dependency type (8 hours of backup
 * power is `{ physical: 8 }`) and how many of its suppliers it needs (`minInputs`, default 1).
 */

/** Kinds of entity. */
export type EntityKind = 'asset' | 'service' | 'organisation' | 'sector' | 'location';

/** Every entity kind. */
export const ENTITY_KINDS: readonly EntityKind[] = ['asset', 'service', 'organisation', 'sector', 'location'];

/** Rinaldi's interdependency types. */
export type DependencyType = 'physical' | 'cyber' | 'geographic' | 'logical';

/** Every dependency type, in the order compiled graphs index them. */
export const DEPENDENCY_TYPES: readonly DependencyType[] = ['physical', 'cyber', 'geographic', 'logical'];

/** Hours an entity keeps working after losing inputs of a type. */
export type Buffers = Readonly<Partial<Record<DependencyType, number>>>;

/** An entity of a dependency graph. */
export interface Entity {
  /** Unique within the graph. */
  readonly id: string;
  readonly kind: EntityKind;
  readonly name?: string;
  /** Sector id, e.g. `energy`, `telecom`, `finance` (see `SECTORS`). */
  readonly sector?: string;
  /** Id of the organisation entity that runs it. */
  readonly org?: string;
  /** Id of a location entity, or a free-form place. */
  readonly location?: string;
  /** How many of its suppliers must be alive for it to work (default 1). */
  readonly minInputs: number;
  readonly buffers: Buffers;
  /** Host name in the asset inventory this entity stands for. */
  readonly asset?: string;
  /** Federation node id, for an organisation that is a peer SOC. */
  readonly peer?: string;
  readonly lat?: number;
  readonly lon?: number;
}

/** A dependency: `source` depends on `target`. */
export interface Dependency {
  readonly source: string;
  readonly target: string;
  readonly type: DependencyType;
  /** 0–1: probability that the target's failure propagates to the source (1 = always). */
  readonly strength: number;
  /** Hours between the target failing and the source losing this input. */
  readonly ttiHours: number;
  /** Hours the source needs to recover once the input is back. */
  readonly recoveryHours: number;
}

/** A whole dependency graph as plain data (import and export format). */
export interface GraphData {
  readonly entities: readonly Entity[];
  readonly dependencies: readonly Dependency[];
}

/** What an importer produced, with the warnings a person should read. */
export interface ImportResult {
  readonly data: GraphData;
  readonly warnings: readonly string[];
}
