/**
 * @module
 * Prepared statements cached per database handle: preparing costs more than running, and the
 * federation's stores run the same few statements for every object.
 */
import type { SqliteDb } from '@intersoc/storage';

/** The statement methods the stores use. */
export interface Statement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
const caches = new WeakMap<SqliteDb, Map<string, Statement>>();

/** The prepared statement of `sql` on `db`. */
export function stmt(db: SqliteDb, sql: string): Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let st = cache.get(sql);
  if (!st) {
    st = db.prepare(sql) as unknown as Statement;
    cache.set(sql, st);
  }
  return st;
}
