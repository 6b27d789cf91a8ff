/**
 * @module
 * Opening SQLite databases with the node's pragmas, and a tiny migration runner that every
 * domain (events, auth, CTI, ...) uses for its own tables.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '@intersoc/core';

/** A better-sqlite3 handle. */
export type SqliteDb = Database.Database;

/** Options for opening a database. */
export interface OpenOptions {
  /** Open read-only (readers beside the writer in WAL mode). */
  readonly readonly?: boolean;
}

/**
 * Opens (creating if needed) a database file in WAL mode with `synchronous=NORMAL`: commits stay
 * durable across process crashes and lose at most the last transactions on power loss, the
 * usual trade-off for log stores. `:memory:` is accepted for tests.
 */
export function openDatabase(file: string, options: OpenOptions = {}): SqliteDb {
  try {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const db = new Database(file, { readonly: options.readonly === true });
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -65536');
    db.pragma('temp_store = MEMORY');
    return db;
  } catch (err) {
    throw new AppError('STORAGE', `cannot open database ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Applies `steps` of the migration set `name` that have not run yet, each in a transaction.
 * Steps are append-only: never edit a released step, add a new one.
 */
export function migrate(db: SqliteDb, name: string, steps: readonly string[]): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT NOT NULL, step INTEGER NOT NULL, PRIMARY KEY (name, step))',
  );
  const done = new Set(
    (db.prepare('SELECT step FROM schema_migrations WHERE name = ?').all(name) as { step: number }[]).map(
      (r) => r.step,
    ),
  );
  const record = db.prepare('INSERT INTO schema_migrations (name, step) VALUES (?, ?)');
  steps.forEach((sql, step) => {
    if (done.has(step)) return;
    db.transaction(() => {
      db.exec(sql);
      record.run(name, step);
    })();
  });
}

/** File name of the node's main database inside `--data` (auth, audit, alerts, CTI, rules). */
export const NODE_DB_FILE = 'intersoc.db';
