/**
 * @module
 * `@intersoc/cti`: threat intelligence for INTERSOC. STIX 2.1 objects, validation and
 * deterministic SCO ids; STIX patterning (parser, validator, matcher over observed-data and
 * events); indicator compilation and lifecycle; TLP and other taxonomies.
 */

// STIX objects, vocabulary and ids
export type * from './stix/types.js';
export {
  COMMON_REQUIRED,
  HASH_FORMATS,
  ID_CONTRIBUTING,
  idType,
  META_TYPES,
  REF_TARGETS,
  REQUIRED_PROPS,
  SCO_TYPES,
  SDO_TYPES,
  SRO_TYPES,
  stixCategory,
} from './stix/vocab.js';
export type { StixCategory } from './stix/vocab.js';
export { canonicalJson, idContributingProperties, scoId, STIX_SCO_NAMESPACE } from './stix/sco-id.js';

// STIX validation
export { loadStixSchemas } from './stix/schema-validator.js';
export type { SchemaValidator, StixIssue } from './stix/schema-validator.js';
export { checkRules, selectorResolves } from './stix/rules.js';
export { validateStix } from './stix/validate.js';
export type { StixValidation, ValidateOptions } from './stix/validate.js';
export { stixFiles, validateFiles } from './stix/validate-files.js';
export type { FileValidation } from './stix/validate-files.js';
export { readStixObjects } from './stix/read-files.js';
export type { SkippedFile, StixObjectsRead } from './stix/read-files.js';
export { checkBestPractices, checkDuplicateIds } from './stix/best-practices.js';
export type { PracticeContext } from './stix/best-practices.js';
export { isLanguageTag, languageTagProblem } from './stix/lang-tag.js';
export type { StixVersion } from './stix/spec-20.js';
export {
  buildIncident,
  checkIncidentCore,
  INCIDENT_CORE_EXTENSION_DEFINITION,
  INCIDENT_CORE_EXTENSION_ID,
  INCIDENT_DETERMINATIONS,
  INCIDENT_INVESTIGATION_STATUSES,
  incidentCoreOf,
} from './stix/incident-extension.js';
export type { IncidentCore, IncidentInput, IncidentScore } from './stix/incident-extension.js';

// STIX patterning
export type * from './pattern/ast.js';
export { comparisons, isValidPattern, parsePattern } from './pattern/parser.js';
export type { ParseOptions } from './pattern/parser.js';
export { configurePatternLimits, DEFAULT_PATTERN_LIMITS, patternLimits } from './pattern/limits.js';
export type { PatternLimits } from './pattern/limits.js';
export { matchesObservation, matchPattern } from './pattern/matcher.js';
export type { MatchOptions, MatchResult } from './pattern/matcher.js';
export { observationOf, observationsFromObjects } from './pattern/observation.js';
export type { Observation, ObservedObject } from './pattern/observation.js';
export { EVENT_OBJECT_TYPE, eventToObservables, observationFromEvent, SCO_TO_ECS } from './pattern/ecs-mapping.js';

// indicators
export type * from './indicators/types.js';
export {
  formatIPv4,
  formatIPv6,
  maskV4,
  maskV6,
  networkContains,
  networkEquals,
  parseIPv4,
  parseIPv6,
  parseNetwork,
} from './indicators/ip.js';
export type { Network } from './indicators/ip.js';
export {
  hashAlgorithm,
  normaliseDomain,
  normaliseEmail,
  normaliseIp,
  normaliseUrl,
  normaliseValue,
} from './indicators/normalise.js';
export { indicatorsFromStix, reducePattern, stixIndicatorMeta } from './indicators/from-stix.js';
export type { SimpleComparison } from './indicators/from-stix.js';
export { decayScore, DEFAULT_DECAY, inactiveReason } from './indicators/decay.js';
export type { DecayModel, Lifecycle } from './indicators/decay.js';

// taxonomies
export {
  normaliseTlp,
  OPENCTI_AMBER_STRICT_ID,
  strictestTlp,
  TLP_LEVELS,
  TLP_V1_MARKINGS,
  TLP_V2_EXTENSION_ID,
  TLP_V2_MARKINGS,
  tlpAllows,
  tlpMarkingDefinition,
  tlpTag,
} from './taxonomies/tlp.js';
export type { TlpLevel } from './taxonomies/tlp.js';
export { formatMachineTag, parseMachineTag } from './taxonomies/machine-tag.js';
export type { MachineTag } from './taxonomies/machine-tag.js';
export { TaxonomyRegistry, TaxonomySchema } from './taxonomies/registry.js';
export type { TagMeaning, Taxonomy } from './taxonomies/registry.js';
export { confidenceFromTags, confidenceOfTag, PAP_LEVELS, papLevel } from './taxonomies/semantics.js';
export type { PapLevel } from './taxonomies/semantics.js';

// indicator text recognition
export { extractObservables, inferObservable, refang } from './indicators/infer.js';

// store
export type {
  CtiPage,
  CtiQuery,
  CtiStore,
  Provenance,
  PutOutcome,
  SharingPolicy,
  StoredObject,
  VersionSelector,
} from './store/types.js';
export { DEFAULT_SHARING_POLICY, isPartner, readCeiling, requireWriter, tlpReadable } from './store/policy.js';
export { openSqliteCtiStore, SqliteCtiStore } from './store/sqlite-store.js';
export { versionOf } from './store/object-rows.js';
export { PgCtiStore } from './store/pg-store.js';
export type { SqliteCtiStoreOptions } from './store/sqlite-store.js';

// MISP
export type * from './misp/types.js';
export {
  MispAttributeSchema,
  MispEventSchema,
  MispGalaxySchema,
  MispObjectSchema,
  MispSightingSchema,
  MispTagSchema,
} from './misp/types.js';
export { parseMispEvent, parseMispEvents } from './misp/parse.js';
export { MISP_TYPE_MAP } from './misp/mapping.js';
export type { MispPart } from './misp/mapping.js';
export { attributePattern, mispToStix } from './misp/to-stix.js';
export { stixToMisp } from './misp/from-stix.js';
export { indicatorsFromMisp } from './misp/indicators.js';
export type { MispIndicatorOptions } from './misp/indicators.js';
export {
  csvFeedIndicators,
  FeedHashes,
  feedReader,
  freetextFeedIndicators,
  ManifestSchema,
  openMispFeed,
} from './misp/feeds.js';
export type { CsvFeedOptions, FeedManifest, FeedReader, MispFeed } from './misp/feeds.js';
export { loadWarninglists, WarninglistIndex, WarninglistSchema } from './misp/warninglists.js';
export type { Warninglist } from './misp/warninglists.js';

// TAXII 2.1
export {
  acceptsTaxii21,
  isTaxii21,
  parseMediaType,
  parseTaxiiTimestamp,
  STIX_MEDIA_TYPE,
  TAXII_MEDIA_TYPE,
  taxiiTimestamp,
} from './taxii/media.js';
export type { MediaType, TaxiiError } from './taxii/media.js';
export { openSqliteTaxiiBackend, SqliteTaxiiBackend } from './taxii/backend.js';
/** The TAXII backend on PostgreSQL (migration step 22), same contract as `SqliteTaxiiBackend`. */
export { openPgTaxiiBackend, PgTaxiiBackend } from './taxii/pg-backend.js';
export type {
  AddOutcome,
  ApiRootInfo,
  CollectionAcl,
  ObjectFilter,
  TaxiiBackend,
  TaxiiCollection,
  TaxiiRecord,
  TaxiiStore,
} from './taxii/backend.js';
export { collectionAccess, taxiiServer } from './taxii/server.js';
export type { TaxiiAuthRequest, TaxiiServerOptions } from './taxii/server.js';
export { CollectionSchema, filterQuery, memoryCursors, StatusSchema, TaxiiClient } from './taxii/client.js';
export type {
  TaxiiApiRoot,
  TaxiiCollectionInfo,
  TaxiiCredentials,
  TaxiiCursorStore,
  TaxiiDiscovery,
  TaxiiFilters,
  TaxiiPage,
  TaxiiStatus,
} from './taxii/client.js';

// loading indicators from files
export { loadIndicators } from './indicators/load.js';
export type { LoadIndicatorsOptions } from './indicators/load.js';
