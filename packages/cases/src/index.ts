/**
 * @module
 * `@intersoc/cases`: case management on top of incidents. Cases opened from incidents or by
 * hand with a status workflow and resolution, assignee, severity, TLP and PAP; tasks from
 * templates per incident type; observables enriched from the CTI core; a timeline built from
 * alerts and case activity and annotated by analysts; comments, hashed and size-limited
 * attachments, a full history; MTTD/MTTA/MTTC/MTTR metrics; NIS2 Article 23 deadlines with
 * report drafts as JSON and STIX 2.1; false-positive feedback to rule tuning.
 */

// the case model
export {
  CASE_STATUSES,
  NIS2_REPORTS,
  OBSERVABLE_KINDS,
  PAPS,
  RESOLUTIONS,
  TASK_STATUSES,
  TLPS,
} from './cases/types.js';
export type {
  Case,
  CaseAttachment,
  CaseComment,
  CaseHistoryEntry,
  CaseNote,
  CaseObservable,
  CaseStatus,
  CaseTask,
  CaseTaskLog,
  CaseTimelineEntry,
  Enrichment,
  Nis2ReportKind,
  ObservableKind,
  Pap,
  Resolution,
  TaskStatus,
  TimelineKind,
  Tlp,
} from './cases/types.js';

// workflow, templates, the service
export { checkTransition, TRANSITIONS } from './cases/workflow.js';
export type { TransitionRequest, TransitionState } from './cases/workflow.js';
export { BUILTIN_TEMPLATES, templateFor } from './cases/templates.js';
export type { TaskTemplate, TemplateTask } from './cases/templates.js';
export { CaseService } from './cases/case-service.js';
export type { CaseCreate, CasePatch, CaseServiceOptions } from './cases/case-service.js';
export { caseTimeline } from './timeline/timeline.js';

// observables
export { CtiObservableEnricher } from './observables/enricher.js';
export type { ObservableEnricher } from './observables/enricher.js';

// NIS2
export { nis2Deadlines, WARN_BEFORE } from './nis2/deadlines.js';
export type { DeadlineInput, DeadlineState, Nis2Deadline } from './nis2/deadlines.js';
export { addMonths, formatLocal, instantOf, isTimeZone, localTime, offsetAt } from './nis2/zoned-time.js';
export type { LocalTime } from './nis2/zoned-time.js';
export { nis2Draft } from './nis2/report.js';
export type { Nis2Report, ReportInput, ReportingEntity } from './nis2/report.js';
export { nis2Stix } from './nis2/stix.js';
export { Nis2Service } from './nis2/service.js';
export type { DueDeadline } from './nis2/service.js';
export {
  NIS2_IMPACT_SEVERITIES,
  NIS2_OUTLOOKS,
  NIS2_PREDICATES,
  NIS2_ROOT_CAUSES,
  NIS2_SECTORS,
  NIS2_THREAT_SEVERITIES,
  nis2Tag,
} from './nis2/vocab.js';

// metrics
export { alertClosures, caseMetrics, tenantMetrics } from './metrics/metrics.js';
export type { AlertClosures, CaseMetrics, MetricsBucket, TenantMetrics } from './metrics/metrics.js';

// false-positive feedback
export { DISABLE_AT, LOWER_AT, sharedEntity, SqliteFeedbackStore } from './feedback/feedback.js';
export type { RuleFeedback, RuleOutcome, SuggestionAction, SuppressionSuggestion } from './feedback/feedback.js';
export type { CaseOutcome, FeedbackStore, FeedbackStoreOptions, SuppressionProbe } from './feedback/feedback.js';
/** Rule feedback and suggestions on PostgreSQL (migration step 13), same `FeedbackStore` contract as SQLite. */
export { PgFeedbackStore } from './feedback/pg-feedback.js';

// stores
export { SqliteCaseStore } from './store/sqlite-case-store.js';
export { PgCaseStore } from './store/pg-case-store.js';
export type { CasePage, CasePartKinds, CaseQuery, CaseStore } from './store/types.js';
