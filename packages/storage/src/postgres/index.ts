/**
 * @module
 * `@intersoc/storage/postgres`: the PostgreSQL store for scaled-out roles. This slice holds the
 * event store (events, alerts, dead letters) and the identity and audit stores (tenants, users,
 * tokens, sessions, the hash-chained audit log) with versioned migrations. The identity stores
 * run over `openSyncPg`, a blocking bridge to a worker thread, so interfaces written
 * synchronously for SQLite keep their shape. The domain stores built on the bridge live in their
 * packages (`PgIncidentStore`, `PgCaseStore`, `PgCtiStore`); their tables are migration steps
 * here (`domains/`), so `migratePg` creates every table in one versioned sequence.
 *
 * @example
 * import { migratePg, openPgEventStore } from '@intersoc/storage/postgres';
 * await migratePg(url);
 * const store = await openPgEventStore(url, { hydrator });
 */
export { openPg } from './connect.js';
export type { PgOptions, PgSql } from './connect.js';
export { migratePg } from './migrations.js';
export { openPgEventStore } from './event-store.js';
export type { PgEventStore, PgEventStoreOptions } from './event-store.js';
export { openPgAuthStores } from './auth/stores.js';
export type { PgAuthStores } from './auth/stores.js';
export { PgAuditStore } from './auth/audit.js';
export { openSyncPg } from './sync/bridge.js';
export type { SqlParam, Statement, StatementResult, SyncPg, SyncPgOptions } from './sync/bridge.js';
export { PgCorrelationState } from './correlate/state.js';
export type { CommitResult, PartitionClaim, PartitionCommit, PartitionGroup } from './correlate/state.js';
export { createScratchDb, SCRATCH_PG_ADMIN } from './scratch.js';
export type { ScratchDb } from './scratch.js';
export { PgRulePacks } from './rules/packs.js';
/** The analyst's triage state over `ev_alerts` (`migratePg` step 15), the same `AlertTriage` as `SqliteAlertTriage`. */
export { PgAlertTriage } from './triage/alert-triage.js';
export type { RulePackFile, RulesSnapshot, StoredRulePack } from './rules/packs.js';
