/**
 * @module
 * `@intersoc/storage/postgres`: the PostgreSQL store for scaled-out roles. This slice holds the
 * event store (events, alerts, dead letters) with versioned migrations; the node's other stores
 * (incidents, cases, CTI, auth) stay on SQLite for now.
 *
 * @example
 * import { migratePg, openPgEventStore } from '@intersoc/storage/postgres';
 * await migratePg(url);
 * const store = await openPgEventStore(url, { hydrator });
 */
export { migratePg } from './migrations.js';
export { openPgEventStore } from './event-store.js';
export type { PgEventStore, PgEventStoreOptions } from './event-store.js';
export { createScratchDb, SCRATCH_PG_ADMIN } from './scratch.js';
export type { ScratchDb } from './scratch.js';
