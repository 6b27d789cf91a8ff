/**
 * @module
 * Schema of the event database (`events.db`, separate from the node's main database so the
 * write-heavy event path never contends with auth, CTI or case data).
 *
 * - `blocks`: one row per compressed block of one tenant and day (the partition key).
 * - `ids_<tenant>_<day>`: event id → (block, position), one table per partition, so dedup
 *   lookups stay in a small B-tree and retention drops whole tables instead of deleting rows.
 * - `block_terms`: a contentless FTS5 index with one document per block (its distinct tokens),
 *   written with the block in the same transaction (older databases' blocks are indexed in the
 *   background); search uses it to skip blocks that cannot match.
 * - `group_terms`: the same for each group of 64 events of a block (rowid `block * 1024 + group`),
 *   so a scanned block re-parses only the groups that can match. `blocks.indexed` is 0 (no terms),
 *   1 (block terms only: older or rewritten blocks), 2 (block and group terms) or 3 (group terms
 *   with field-qualified tokens too, see `qualifier` in query/prune.ts).
 * - `block_columns`: per block, the values of the most filtered fields and the event times, so
 *   queries on those fields and histograms need not re-parse records (see `columns.ts`). Built
 *   by the idle indexer with the term documents; a row whose `ver` is not the block's is stale.
 */
import { migrate, type SqliteDb } from '../sqlite/database.js';

/** File name of the event database inside the data directory. */
export const EVENTS_DB_FILE = 'events.db';

const STEPS = [
  `CREATE TABLE blocks (
     id INTEGER PRIMARY KEY,
     tenant TEXT NOT NULL,
     day INTEGER NOT NULL,
     t_min INTEGER NOT NULL,
     t_max INTEGER NOT NULL,
     count INTEGER NOT NULL,
     raw_bytes INTEGER NOT NULL,
     codec INTEGER NOT NULL,
     data BLOB NOT NULL,
     indexed INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX blocks_by_time ON blocks (tenant, t_max, id);
   CREATE INDEX blocks_by_day ON blocks (tenant, day);
   CREATE INDEX blocks_unindexed ON blocks (indexed) WHERE indexed = 0;
   CREATE TABLE partitions (tenant TEXT NOT NULL, day INTEGER NOT NULL, PRIMARY KEY (tenant, day)) WITHOUT ROWID;
   CREATE VIRTUAL TABLE block_terms USING fts5(terms, content='', contentless_delete=1, detail='none', tokenize="unicode61 tokenchars '_'");
   CREATE TABLE alerts (
     id TEXT PRIMARY KEY,
     tenant TEXT NOT NULL,
     time INTEGER NOT NULL,
     created INTEGER NOT NULL,
     severity TEXT NOT NULL,
     rule_id TEXT NOT NULL,
     doc TEXT NOT NULL
   );
   CREATE INDEX alerts_by_time ON alerts (tenant, time, id);
   CREATE TABLE dead_letters (
     id INTEGER PRIMARY KEY,
     tenant TEXT NOT NULL,
     time INTEGER NOT NULL,
     source TEXT NOT NULL,
     reason TEXT NOT NULL,
     raw BLOB NOT NULL,
     offset INTEGER
   );
   CREATE INDEX dead_letters_by_tenant ON dead_letters (tenant, id);`,
  // A block's version: rewrites (erasure) bump it so readers' decoded-block caches drop old copies.
  // The metadata index covers what search reads of a block before deciding to scan it: walking
  // the table instead would read every block's payload pages (columns after the blob).
  `ALTER TABLE blocks ADD COLUMN ver INTEGER NOT NULL DEFAULT 0;
   DROP INDEX blocks_by_time;
   CREATE INDEX blocks_meta ON blocks (tenant, t_max, id, t_min, count, raw_bytes, ver, indexed);
   CREATE VIRTUAL TABLE group_terms USING fts5(terms, content='', contentless_delete=1, detail='none', tokenize="unicode61 tokenchars '_'");`,
  // Columns of the most filtered fields and of event times, per block (see events/columns.ts).
  `CREATE TABLE block_columns (
     block INTEGER NOT NULL,
     field TEXT NOT NULL,
     ver INTEGER NOT NULL,
     lo REAL,
     hi REAL,
     long INTEGER NOT NULL DEFAULT 0,
     data BLOB,
     PRIMARY KEY (block, field)
   );`,
  // The over-long tokens of a column's values (deflated, space-separated), for exact infix pruning.
  `ALTER TABLE block_columns ADD COLUMN longs BLOB;`,
];

/** Creates or upgrades the event schema. */
export function migrateEvents(db: SqliteDb): void {
  migrate(db, 'events', STEPS);
}

/** Quoted name of a partition's id table. Tenant names are slugs (see TENANT_PATTERN). */
export function idTable(tenant: string, day: number): string {
  return `"ids_${tenant.replaceAll('"', '')}_${day}"`;
}
