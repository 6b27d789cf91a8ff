/**
 * @module
 * `@intersoc/storage`: store interfaces and their SQLite implementations. Each domain keeps its
 * own tables but opens databases and runs migrations through here, so a PostgreSQL
 * implementation can later replace the SQLite one behind the same interfaces.
 */

// sqlite plumbing
export { migrate, NODE_DB_FILE, openDatabase } from './sqlite/database.js';
export type { OpenOptions, SqliteDb } from './sqlite/database.js';

// events, alerts and dead letters
export { decodeBlock, encodeBlock } from './events/block.js';
export { BlockPacker } from './events/block-packer.js';
export type { BlockEvent, EncodedBlock } from './events/block.js';
export type { DerivedValues } from './events/terms.js';
export { EVENTS_DB_FILE } from './events/schema.js';
export { openEventReader, SqliteEventReader } from './events/reader.js';
export { eventDoc } from './events/event-doc.js';
export { openEventWriter, SqliteEventWriter } from './events/writer.js';
export { rewriteEventDb, rewriteEvents } from './events/rewrite.js';
export type { EventRewrite, RewriteOutcome } from './events/rewrite.js';
export type {
  DeadLetter,
  DeadLetterView,
  EventHydrator,
  EventReader,
  EventWriter,
  IndexStatus,
  RetentionPolicy,
  SearchPage,
  SearchRequest,
  StoreStats,
  WriteBatch,
  WriteResult,
} from './events/types.js';
export { ALERT_STATUSES, SqliteAlertTriage } from './events/alert-triage.js';
export type {
  AlertState,
  AlertStatus,
  AlertTriage,
  StatusChange,
  StatusChangeResult,
  TriagedAlert,
  TriagePage,
  TriageQuery,
} from './events/alert-triage.js';
export {
  alertAggregates,
  alertRuleCounts,
  alertTechniqueCounts,
  arrivalMark,
  arrivalsSince,
  bucketWidth,
  eventHistogram,
} from './events/aggregate.js';
export type { AlertAggregates, Arrivals, BucketWindow, EventHistogram, TopEntry } from './events/aggregate.js';

// the search language
export { compileQuery, globMatch, parseQuery } from './query/index.js';
export type { Predicate, QueryDoc, QueryNode } from './query/index.js';
export { checkQueryCost } from './query/cost.js';
export type { QueryLimits, QueryWindow } from './query/cost.js';

// identity and audit (tenants, users, API tokens, sessions, hash-chained audit log)
export { actAs, isOperator, requireAdmin, requireOperator } from './auth/access.js';
export { AUDIT_GENESIS_HASH, auditEntryHash, SqliteAuditStore } from './auth/sqlite-audit.js';
export { checkpointPayload } from './auth/audit-checkpoints.js';
export type { AuditCheckpoint, AuditKeyRing } from './auth/audit-checkpoints.js';
export { openSqliteAuthStores } from './auth/sqlite-auth-stores.js';
export { SqliteSessionStore } from './auth/sqlite-sessions.js';
export { SqliteTenantStore } from './auth/sqlite-tenants.js';
export { SqliteTokenStore } from './auth/sqlite-tokens.js';
export { SqliteUserStore } from './auth/sqlite-users.js';
export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, USER_NAME_PATTERN } from './auth/types.js';
export type {
  ApiToken,
  AuditEntry,
  AuditInput,
  AuditOutcome,
  AuditPage,
  AuditStore,
  AuditVerification,
  AuthStores,
  JsonValue,
  NewToken,
  NewUser,
  ResolvedIdentity,
  Session,
  SessionStore,
  Tenant,
  TenantStore,
  TokenStore,
  User,
  UserPatch,
  UserStore,
} from './auth/types.js';

// one event writer per data folder
export { acquireWriterLock, readWriterInfo, WRITER_INFO_FILE, WRITER_LOCK_FILE } from './sqlite/writer-lock.js';
export type { WriterInfo, WriterLock } from './sqlite/writer-lock.js';
