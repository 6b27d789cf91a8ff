/**
 * @module
 * `@intersoc/cascade`: cascading threats across sectors. The dependency model (entities typed
 * as assets, services, organisations, sectors and locations; dependencies typed after Rinaldi
 * with strength, time to impact, recovery and buffers) on graphology; importers for CSV, JSON,
 * GraphML, power-grid edge lists and STIX 2.1 (`infrastructure` + `depends-on`); the functional
 * cascade in rounds and in time, the Monte Carlo cascade, the Leontief inoperability
 * input–output model (static and dynamic), criticality rankings, the per-tenant store, incident
 * impact and the cascade warnings that travel between SOCs.
 */

// the dependency model
export { DEPENDENCY_TYPES, ENTITY_KINDS } from './model/types.js';
export type {
  Buffers,
  Dependency,
  DependencyType,
  Entity,
  EntityKind,
  GraphData,
  ImportResult,
} from './model/types.js';
export {
  BuffersSchema,
  DependencySchema,
  EntitySchema,
  GRAPH_NAME_PATTERN,
  GraphDataSchema,
  ID_PATTERN,
  MAX_DEPENDENCIES,
  MAX_ENTITIES,
} from './model/schema.js';
export { defaultEntity, DependencyGraph } from './model/graph.js';
export type { DependencyAttributes } from './model/graph.js';
export { compile, compileArrays, indexesOf } from './model/compiled.js';
export type { CompiledGraph } from './model/compiled.js';

// import and export
export { detectFormat, IMPORT_FORMATS, importGraph, MAX_IMPORT_BYTES } from './import/detect.js';
export type { ImportFormat } from './import/detect.js';
export { isDependencyCsv, parseDependencyCsv } from './import/csv.js';
export { parseEdgeList } from './import/edgelist.js';
export type { EdgeListOptions } from './import/edgelist.js';
export { parseGraphml } from './import/graphml.js';
export { graphFromJson, parseGraphJson } from './import/json.js';
export {
  dependencyId,
  DEPENDS_ON,
  graphFromStix,
  infrastructureId,
  toStixBundle,
  toStixObjects,
} from './import/stix.js';
export type { StixExportOptions } from './import/stix.js';
export { toGraphml } from './export/graphml.js';

// models
export {
  cascadeRounds,
  cascadeTimed,
  cascadeTimes,
  lossThresholds,
  roundsOf,
  TimedScratch,
} from './models/functional.js';
export type { RoundsResult, TimedFailure, TimedOptions, TimedSeed } from './models/functional.js';
export { DEFAULT_HORIZONS, MAX_RUNS, monteCarlo } from './models/monte-carlo.js';
export type { EntityRisk, MonteCarloOptions, MonteCarloResult } from './models/monte-carlo.js';
export { dynamicIim, iim, interdependencyFromIo, MAX_SECTORS, solveLinear } from './models/iim.js';
export type { DynamicIimOptions, IimResult } from './models/iim.js';
export { DEFAULT_RECOVERY_HOURS, DEFAULT_SECTOR_MATRIX, SECTORS, sectorOf } from './models/sectors.js';
export type { Sector } from './models/sectors.js';
export { articulationPoints, betweenness, criticality } from './models/criticality.js';
export type { CriticalityOptions, CriticalityResult, EntityCriticality } from './models/criticality.js';
export { MinHeap } from './models/heap.js';
export { seededRandom } from './models/random.js';
export { randomGraph } from './models/generate.js';
export type { RandomGraphOptions } from './models/generate.js';

// analysis and the store
export { analyseImpact } from './analysis/impact.js';
export type { Impact, ImpactFailure, ImpactOptions, OrgImpact, SectorImpact } from './analysis/impact.js';
export { CASCADE_READ_ROLES, CASCADE_WRITE_ROLES, graphName, SqliteGraphStore } from './store/sqlite-graphs.js';
export type { GraphInfo, LoadedGraph } from './store/sqlite-graphs.js';
export type { GraphStore, PutOptions } from './store/graph-store.js';
/** The dependency graph store on PostgreSQL (migration step 17), for processes sharing one database. */
export { PgGraphStore } from './store/pg-graphs.js';

// the SOC: service, settings, warnings
export { CascadeService } from './service/cascade-service.js';
export type {
  CascadeServiceOptions,
  CascadeStateStore,
  CascadeStores,
  GraphImpact,
  IncidentImpact,
  IncidentRef,
  WarningRecord,
} from './service/cascade-service.js';
/** The service's impacts, warnings and cursors in the node's SQLite database. */
export { SqliteCascadeState } from './service/sqlite-state.js';
/** The service's impacts, warnings and cursors on PostgreSQL (migration step 25), for processes sharing one database. */
export { PgCascadeState } from './service/pg-state.js';
export { CascadeSettingsSchema } from './service/settings.js';
export type { CascadeSettings } from './service/settings.js';
export { WARNING_TYPE, WarningBodySchema, warningFromStix, warningId, warningToStix } from './warning/warning.js';
export type { CascadeWarning, WarningFailure, WarningThreat } from './warning/warning.js';
