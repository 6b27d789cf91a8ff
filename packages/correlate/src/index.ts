/**
 * @module
 * `@intersoc/correlate`: alerts into incidents. A streaming incident builder keyed by entity
 * within time windows (merging when an alert links two incidents, collapsing repeats), incident
 * scoring from alert severity, asset criticality, corroboration and spread, titles that say what
 * happened, ENISA RSIT classification behind an interface, the asset inventory, and the stores.
 */

// the incident model
export { INCIDENT_STATUSES } from './incidents/types.js';
export type {
  CrossSocLink,
  EdgeKind,
  Incident,
  IncidentAlert,
  IncidentEdge,
  IncidentNode,
  IncidentStatus,
  IncidentSummary,
  RsitClassification,
  RuleCount,
  ScoreParts,
  TimelineEntry,
} from './incidents/types.js';

// building incidents
export { IncidentBuilder } from './incidents/builder.js';
export type { AddOutcome, BuilderChanges, BuilderStats, IncidentBuilderOptions } from './incidents/builder.js';
export { alertKeys, isSystemPath } from './incidents/keys.js';
export type { AlertKeys, KeyNode } from './incidents/keys.js';
export { summarizeIncident } from './incidents/summarize.js';
export { scoreOf, scoreParts, SEVERITY_WEIGHT, severityOfScore } from './incidents/score.js';
export type { ScoreInput } from './incidents/score.js';
export { incidentTitle } from './incidents/title.js';
export type { TitleInput } from './incidents/title.js';
export { normaliseTactic, sortTactics, TACTIC_ORDER, tacticPhase, tacticRank } from './incidents/tactics.js';
export { incidentSummary } from './incidents/summary.js';

// classification
export { RulesClassifier } from './classify/classifier.js';
export type { ClassificationInput, IncidentClassifier } from './classify/classifier.js';
export { RSIT_TYPES, rsitType } from './classify/rsit.js';
export type { RsitType } from './classify/rsit.js';

// asset inventory
export { AssetIndex, EMPTY_ASSETS } from './assets/asset-index.js';
export { canonicalHost, canonicalUser, isLocalBuiltin, isServiceAccount } from './assets/names.js';
export { SqliteAssetStore } from './assets/sqlite-assets.js';
/** The asset inventory on PostgreSQL (`migratePg` step 14), the same `AssetStore` as `SqliteAssetStore`. */
export { PgAssetStore } from './assets/pg-assets.js';
export type { LookupCacheOptions } from './assets/asset-docs.js';
export { CRITICALITIES, CRITICALITY_WEIGHT } from './assets/types.js';
export type { Asset, AssetInput, AssetKind, AssetLookup, AssetStore, Criticality } from './assets/types.js';

// addresses
export { isInternalIp, isIp } from './internal/ip.js';

// access
export { CONFIG_ROLES, READ_ROLES, WORK_ROLES } from './access/roles.js';

// stores
export { alertOfCompact, compactAlert, SqliteIncidentStore } from './store/sqlite-incidents.js';
export { PgIncidentStore } from './store/pg-incidents.js';
export type { AlertIncidentRef, IncidentCounts, IncidentPage, IncidentQuery, IncidentStore } from './store/types.js';
