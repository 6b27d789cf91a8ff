/**
 * @module
 * `@intersoc/privacy`: privacy and fundamental rights by design inside the node. The personal-data
 * inventory, data subjects and how their values are matched, subject access exports, erasure that
 * reaches the compressed event blocks and the term index, pseudonymised views for triage, and the
 * GDPR Art. 30 record. What leaves the node is minimised by `@intersoc/federation` (whose
 * pseudonymiser this package reuses).
 */

// inventory
export { DEFAULT_INVENTORY, Inventory } from './inventory/inventory.js';
export type { PersonalKind, PersonalValue } from './inventory/inventory.js';

// data subjects
export {
  mentions,
  parseSubject,
  redactText,
  SUBJECT_KINDS,
  subjectLabel,
  subjectValues,
  valuesPattern,
} from './subject/subject.js';
export type { Subject, SubjectKind } from './subject/subject.js';

// subject access and erasure
export { exportSubject, RECORD_KINDS, renderReport, subjectQuery } from './export/export.js';
export type { ExportSources, RecordKind, SubjectExport, SubjectItem } from './export/export.js';
export { ERASED, eraseEventsIn, eraseSubject, subjectRewrite } from './erase/erase.js';
export { eraseBaselinesIn } from './erase/baselines.js';
export type { ErasureOutcome, ErasureTargets, EventErasureSpec, HeldRecord } from './erase/erase.js';
export { tenantsOf } from './internal/tables.js';

// record of processing
export { processingRecord, renderRecord } from './record/record.js';
export type { ProcessingRecord, RecipientPeer } from './record/record.js';

// pseudonymised triage, re-identification, restriction
export { PseudonymView, TenantPseudonyms } from './view/pseudonyms.js';
export type { PseudonymEntry } from './view/pseudonyms.js';
export { SqlitePrivacyStore } from './view/store.js';
/** The privacy state on PostgreSQL (migration step 21), used exactly as `SqlitePrivacyStore`. */
export { PgPrivacyStore } from './view/pg-store.js';
export type { PrivacyStore, Reidentification, Restriction } from './view/privacy-store.js';
export { personalNameForms, sharingValues } from './view/known-values.js';
/** The known personal values from any asset inventory and privacy store (the api role reads PostgreSQL). */
export { knownValuesOf } from './view/known-values.js';
export type { KnownAsset, SharedKind, SharingValues } from './view/known-values.js';
