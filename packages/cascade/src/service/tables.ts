/**
 * @module
 * Incident impacts and cascade warnings, per tenant (`cascade_impacts`, `cascade_warnings`).
 */
import { migrate, type SqliteDb } from '@intersoc/storage';

const STEPS = [
  `CREATE TABLE cascade_impacts (
     tenant TEXT NOT NULL, incident TEXT NOT NULL, computed INTEGER NOT NULL, doc TEXT NOT NULL,
     PRIMARY KEY (tenant, incident)) WITHOUT ROWID;
   CREATE TABLE cascade_warnings (
     tenant TEXT NOT NULL, id TEXT NOT NULL, direction TEXT NOT NULL, peer TEXT NOT NULL,
     time INTEGER NOT NULL, doc TEXT NOT NULL,
     PRIMARY KEY (tenant, id, direction)) WITHOUT ROWID;
   CREATE TABLE cascade_cursor (tenant TEXT NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL,
     PRIMARY KEY (tenant, name)) WITHOUT ROWID;`,
];

/** Creates the tables. */
export function migrateCascadeTables(db: SqliteDb): void {
  migrate(db, 'cascade-soc', STEPS);
}
