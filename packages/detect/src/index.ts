/**
 * @module
 * `@intersoc/detect` (in progress).
 */
// indicator matching (ioc/)
export { DEFAULT_IOC_FIELDS, disabledKey, IocDetector } from './ioc/detector.js';
export { DEFAULT_PATTERN_BUDGET_MS } from './ioc/budget.js';
export type { DisabledIndicator } from './ioc/budget.js';
export type { FieldKinds, IocDetectorOptions } from './ioc/detector.js';
export { IocIndex } from './ioc/ioc-index.js';
export type { IndexedIndicator, IndicatorDetails } from './ioc/ioc-index.js';
export { DomainIndex } from './ioc/domain-index.js';
export { IpIndex } from './ioc/ip-index.js';
export { buildSighting } from './ioc/sighting.js';
export type { SightingInput } from './ioc/sighting.js';

// Sigma rules (sigma/)
export { parseSigmaText, parseTimespan } from './sigma/parse/documents.js';
export type {
  CorrelationDocument,
  CorrelationOp,
  CorrelationType,
  DocumentOrigin,
  DocumentResult,
  FilterDocument,
  Logsource,
  Rejection,
  RuleDocument,
  SigmaDocument,
  SigmaMeta,
} from './sigma/parse/documents.js';
export { listRuleFiles, loadSigmaTree } from './sigma/loader/load-tree.js';
export type { LoadedTree } from './sigma/loader/load-tree.js';
export { buildRuleSet, SigmaRuleSet } from './sigma/ruleset/rule-set.js';
export type { BuildResult, RuleSetOptions } from './sigma/ruleset/rule-set.js';
export type { CompiledRule, RuleMatch, RuleTuning } from './sigma/ruleset/types.js';
export { EventView } from './sigma/compile/event-view.js';
export type { FieldStrings, SigmaEventInput } from './sigma/compile/event-view.js';
export {
  builtinMapping,
  builtinMappingDir,
  loadMappingFiles,
  mergeMappings,
  parseMapping,
  resolveLogsource,
} from './sigma/logsource/mapping.js';
export type { FieldCondition, LogsourceEntry, LogsourceMapping, LogsourceVariant } from './sigma/logsource/mapping.js';
export type { Placeholders } from './sigma/values/modifiers.js';
export { compileSafeRegex } from './sigma/regex/safe-regex.js';
export type { RegexFlags, SafeRegex } from './sigma/regex/safe-regex.js';
export { CorrelationEngine } from './sigma/correlation/engine.js';
export type { CorrelationHit, CorrelationInput, CorrelationLimits } from './sigma/correlation/engine.js';
export type { CompiledCorrelation } from './sigma/correlation/compile.js';
export { MemoryStateStore } from './sigma/correlation/state-store.js';
export type { CorrelationStateStore, StoredGroup } from './sigma/correlation/state-store.js';
export { SqliteStateStore } from './sigma/correlation/sqlite-store.js';
export { correlationAlert, fieldValueOf, ruleAlert, SigmaDetector } from './sigma/detector/sigma-detector.js';
export type { SigmaDetectorOptions, SigmaFeedItem } from './sigma/detector/sigma-detector.js';
export { SigmaCorrelator } from './sigma/detector/correlator.js';
export { FeedPartitioner, PartitionCorrelator } from './sigma/detector/partitioned-correlator.js';
export type { FeedRoute, TenantRuleSets } from './sigma/detector/partitioned-correlator.js';
export { chainKey, correlationChains, partitionOfKey } from './sigma/correlation/partition.js';
export type { CorrelationChain } from './sigma/correlation/partition.js';
export { eventEntities } from './sigma/detector/entities.js';
export { csvRow, Hunt, TIMELINE_COLUMNS } from './sigma/hunt/timeline.js';
export type { HuntRecord, HuntSummary, TimelineRow } from './sigma/hunt/timeline.js';
export { starterPackDir } from './sigma/loader/starter-pack.js';
export { loadRuleSet, parsePlaceholders } from './sigma/loader/load-rule-set.js';
export type { LoadedRuleSet, LoadRuleSetOptions } from './sigma/loader/load-rule-set.js';

// learned models (ml/)
export { MlDetector, modelFieldNames, readModelRow } from './ml/ml-detector.js';
export type { DeployedModel, MlDetectorOptions, ModelSource } from './ml/ml-detector.js';
