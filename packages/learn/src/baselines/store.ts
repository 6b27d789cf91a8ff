/**
 * @module
 * The baseline state in SQLite (`<data>/baselines.db`), keyed by tenant first so no tenant's
 * history can inform another's. Three tables: `baseline_entities` (per tenant, kind and entity:
 * since when, how often, how many distinct items), `baseline_items` (each item seen for an entity,
 * first and last seen), `baseline_rates` (per host or user: the open hour's count and the seasonal
 * profile). The privacy erasure reads these tables directly (`@intersoc/privacy`).
 */
import { migrate, openDatabase, type SqliteDb } from '@intersoc/storage';

/** The part of a prepared statement the engine uses (positional parameters). */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

const MIGRATIONS = [
  `CREATE TABLE baseline_entities (
     tenant TEXT NOT NULL, kind TEXT NOT NULL, entity TEXT NOT NULL,
     first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
     observations INTEGER NOT NULL, items INTEGER NOT NULL,
     PRIMARY KEY (tenant, kind, entity)
   ) WITHOUT ROWID;
   CREATE INDEX baseline_entities_seen ON baseline_entities (tenant, kind, last_seen);
   CREATE TABLE baseline_items (
     tenant TEXT NOT NULL, kind TEXT NOT NULL, entity TEXT NOT NULL, item TEXT NOT NULL,
     label TEXT NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, count INTEGER NOT NULL,
     PRIMARY KEY (tenant, kind, entity, item)
   ) WITHOUT ROWID;
   CREATE INDEX baseline_items_seen ON baseline_items (tenant, kind, entity, last_seen);
   CREATE INDEX baseline_items_expiry ON baseline_items (tenant, last_seen);
   CREATE TABLE baseline_rates (
     tenant TEXT NOT NULL, kind TEXT NOT NULL, entity TEXT NOT NULL,
     first_hour INTEGER NOT NULL, hour INTEGER NOT NULL, count INTEGER NOT NULL,
     alerted INTEGER NOT NULL, ids TEXT NOT NULL, profile BLOB NOT NULL,
     PRIMARY KEY (tenant, kind, entity)
   ) WITHOUT ROWID;
   CREATE INDEX baseline_rates_hour ON baseline_rates (tenant, hour);
   CREATE TABLE baseline_clock (
     tenant TEXT PRIMARY KEY, time INTEGER NOT NULL, swept_hour INTEGER NOT NULL, pruned INTEGER NOT NULL
   ) WITHOUT ROWID;`,
  // Silence: the log-probability of the current silent stretch, whether it alerted, the last
  // hour with events; and the wall time at which the tenant's event clock last moved (idle sweeps).
  `ALTER TABLE baseline_rates ADD COLUMN silence REAL NOT NULL DEFAULT 0;
   ALTER TABLE baseline_rates ADD COLUMN silence_alerted INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE baseline_rates ADD COLUMN active_hour INTEGER NOT NULL DEFAULT -1;
   ALTER TABLE baseline_clock ADD COLUMN wall INTEGER NOT NULL DEFAULT 0;`,
  // Silence: how many hours of the stretch were steady ones (the evidence, for the alert's text).
  `ALTER TABLE baseline_rates ADD COLUMN silence_hours INTEGER NOT NULL DEFAULT 0;`,
  // Silence: the first events of the last hour with events (the alert opens them, and they make
  // each stretch's alert id its own).
  `ALTER TABLE baseline_rates ADD COLUMN active_ids TEXT NOT NULL DEFAULT '[]';`,
];

/** The file name of the baseline state in a node's data folder. */
export const BASELINES_DB_FILE = 'baselines.db';

/** An entity's history for one kind. */
export interface EntityRow {
  first_seen: number;
  last_seen: number;
  observations: number;
  items: number;
}

/** An entity's rate state. */
export interface RateRow {
  first_hour: number;
  hour: number;
  count: number;
  alerted: number;
  ids: string;
  profile: Uint8Array;
  silence: number;
  silence_alerted: number;
  active_hour: number;
  silence_hours: number;
  active_ids: string;
}

/**
 * A tenant's clock: the latest event time seen, when idle buckets and old rows were last swept,
 * and the wall time when the event time last moved (so an idle sweep can tell how long a live
 * tenant has been quiet).
 */
export interface ClockRow {
  time: number;
  swept_hour: number;
  pruned: number;
  wall: number;
}

/** Opens (or creates) the baseline tables in a file or an open handle. */
export function openBaselineDb(fileOrDb: string | SqliteDb): SqliteDb {
  const db = typeof fileOrDb === 'string' ? openDatabase(fileOrDb) : fileOrDb;
  migrate(db, 'baselines', MIGRATIONS);
  return db;
}

/** Prepared statements over the baseline tables. */
export class BaselineStatements {
  readonly entity: SqliteStatement;
  readonly putEntity: SqliteStatement;
  readonly item: SqliteStatement;
  readonly insertItem: SqliteStatement;
  readonly touchItem: SqliteStatement;
  readonly oldestItems: SqliteStatement;
  readonly deleteItem: SqliteStatement;
  readonly entityCount: SqliteStatement;
  readonly oldestEntity: SqliteStatement;
  readonly deleteEntity: SqliteStatement;
  readonly deleteEntityItems: SqliteStatement;
  readonly rate: SqliteStatement;
  readonly putRate: SqliteStatement;
  readonly staleRates: SqliteStatement;
  readonly rateCount: SqliteStatement;
  readonly oldestRate: SqliteStatement;
  readonly deleteRate: SqliteStatement;
  readonly clock: SqliteStatement;
  readonly clocks: SqliteStatement;
  readonly putClock: SqliteStatement;
  readonly expireItems: SqliteStatement;
  readonly expiredEntities: SqliteStatement;
  readonly countItems: SqliteStatement;
  readonly expireRates: SqliteStatement;

  constructor(readonly db: SqliteDb) {
    const p = (sql: string): SqliteStatement => db.prepare(sql) as unknown as SqliteStatement;
    this.entity = p(
      'SELECT first_seen, last_seen, observations, items FROM baseline_entities WHERE tenant = ? AND kind = ? AND entity = ?',
    );
    this.putEntity = p(
      `INSERT INTO baseline_entities (tenant, kind, entity, first_seen, last_seen, observations, items)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, kind, entity) DO UPDATE SET first_seen = excluded.first_seen,
         last_seen = excluded.last_seen, observations = excluded.observations, items = excluded.items`,
    );
    this.item = p('SELECT 1 FROM baseline_items WHERE tenant = ? AND kind = ? AND entity = ? AND item = ?');
    this.insertItem = p(
      `INSERT INTO baseline_items (tenant, kind, entity, item, label, first_seen, last_seen, count)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.touchItem = p(
      `UPDATE baseline_items SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?), count = count + ?
       WHERE tenant = ? AND kind = ? AND entity = ? AND item = ?`,
    );
    this.oldestItems = p(
      'SELECT item FROM baseline_items WHERE tenant = ? AND kind = ? AND entity = ? ORDER BY last_seen LIMIT ?',
    );
    this.deleteItem = p('DELETE FROM baseline_items WHERE tenant = ? AND kind = ? AND entity = ? AND item = ?');
    this.entityCount = p('SELECT count(*) AS n FROM baseline_entities WHERE tenant = ? AND kind = ?');
    this.oldestEntity = p(
      'SELECT entity FROM baseline_entities WHERE tenant = ? AND kind = ? ORDER BY last_seen LIMIT 1',
    );
    this.deleteEntity = p('DELETE FROM baseline_entities WHERE tenant = ? AND kind = ? AND entity = ?');
    this.deleteEntityItems = p('DELETE FROM baseline_items WHERE tenant = ? AND kind = ? AND entity = ?');
    this.rate = p(
      `SELECT first_hour, hour, count, alerted, ids, profile, silence, silence_alerted, active_hour,
         silence_hours, active_ids FROM baseline_rates WHERE tenant = ? AND kind = ? AND entity = ?`,
    );
    this.putRate = p(
      `INSERT INTO baseline_rates (tenant, kind, entity, first_hour, hour, count, alerted, ids, profile,
         silence, silence_alerted, active_hour, silence_hours, active_ids)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, kind, entity) DO UPDATE SET first_hour = excluded.first_hour, hour = excluded.hour,
         count = excluded.count, alerted = excluded.alerted, ids = excluded.ids, profile = excluded.profile,
         silence = excluded.silence, silence_alerted = excluded.silence_alerted, active_hour = excluded.active_hour,
         silence_hours = excluded.silence_hours, active_ids = excluded.active_ids`,
    );
    this.staleRates = p('SELECT kind, entity FROM baseline_rates WHERE tenant = ? AND hour < ?');
    this.rateCount = p('SELECT count(*) AS n FROM baseline_rates WHERE tenant = ? AND kind = ?');
    this.oldestRate = p('SELECT entity FROM baseline_rates WHERE tenant = ? AND kind = ? ORDER BY hour LIMIT 1');
    this.deleteRate = p('DELETE FROM baseline_rates WHERE tenant = ? AND kind = ? AND entity = ?');
    this.clock = p('SELECT time, swept_hour, pruned, wall FROM baseline_clock WHERE tenant = ?');
    this.clocks = p('SELECT tenant, time, swept_hour, pruned, wall FROM baseline_clock');
    this.putClock = p(
      `INSERT INTO baseline_clock (tenant, time, swept_hour, pruned, wall) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (tenant) DO UPDATE SET time = excluded.time, swept_hour = excluded.swept_hour,
         pruned = excluded.pruned, wall = excluded.wall`,
    );
    this.expireItems = p('DELETE FROM baseline_items WHERE tenant = ? AND last_seen < ?');
    this.expiredEntities = p('DELETE FROM baseline_entities WHERE tenant = ? AND last_seen < ?');
    this.countItems = p(
      `UPDATE baseline_entities SET items = (SELECT count(*) FROM baseline_items i
         WHERE i.tenant = baseline_entities.tenant AND i.kind = baseline_entities.kind AND i.entity = baseline_entities.entity)
       WHERE tenant = ?`,
    );
    this.expireRates = p('DELETE FROM baseline_rates WHERE tenant = ? AND hour < ?');
  }
}
