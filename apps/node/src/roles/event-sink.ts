/**
 * @module
 * Where the detect role commits events and alerts: a small async seam, so a worker acknowledges
 * a bus message only after `write` resolved. `openEventSink(url)` picks the implementation:
 * `postgres://…` the shared PostgreSQL store (`@intersoc/storage/postgres`, migrated first with
 * `intersoc db migrate`),
 * `sqlite:DIR` a SQLite events database that several worker processes share (tests, benchmark,
 * one-machine set-ups).
 */
import path from 'node:path';
import { AppError, systemContext } from '@intersoc/core';
import {
  EVENTS_DB_FILE,
  openEventWriter,
  SqliteEventWriter,
  type SqliteDb,
  type WriteBatch,
  type WriteResult,
} from '@intersoc/storage';
import { createHydrator } from '../pipeline/hydrator.js';

/** A store the detect role writes to; `write` is idempotent on event and alert ids. */
export interface EventSink {
  write(batch: WriteBatch): Promise<WriteResult>;
  /** Events and alerts stored for `tenant`. */
  counts(tenant: string): Promise<{ events: number; alerts: number }>;
  close(): Promise<void>;
}

/**
 * The node's SQLite events database, written by several processes: each write takes SQLite's
 * write lock first (`BEGIN IMMEDIATE`) and only then reads the next block id, so concurrent
 * writers never collide; per-partition id tables keep it idempotent.
 */
export class SharedSqliteSink implements EventSink {
  private readonly hydrator = createHydrator();

  private constructor(private readonly db: SqliteDb) {}

  /** Opens (and migrates) `<dir>/events.db`. */
  static open(dir: string): SharedSqliteSink {
    const w = openEventWriter(path.join(dir, EVENTS_DB_FILE), createHydrator());
    // Several workers queue on the write lock: wait longer than SQLite's default here.
    w.db.pragma('busy_timeout = 60000');
    return new SharedSqliteSink(w.db);
  }

  write(batch: WriteBatch): Promise<WriteResult> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      // A fresh writer reads MAX(block id) under the lock (another process may have written).
      const r = new SqliteEventWriter(this.db, this.hydrator).write(batch);
      this.db.exec('COMMIT');
      return Promise.resolve(r);
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  counts(tenant: string): Promise<{ events: number; alerts: number }> {
    const e = this.db.prepare('SELECT COALESCE(SUM(count), 0) AS n FROM blocks WHERE tenant = ?').get(tenant) as {
      n: number;
    };
    const a = this.db.prepare('SELECT COUNT(*) AS n FROM alerts WHERE tenant = ?').get(tenant) as { n: number };
    return Promise.resolve({ events: e.n, alerts: a.n });
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}

/** Opens the store named by `url` (`postgres://…` or `sqlite:DIR`). */
export async function openEventSink(url: string): Promise<EventSink> {
  if (url.startsWith('sqlite:')) return SharedSqliteSink.open(url.slice('sqlite:'.length));
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    // Loaded only here: the embedded node never loads the PostgreSQL client.
    const { openPgEventStore } = await import('@intersoc/storage/postgres');
    const store = await openPgEventStore(url);
    return {
      write: (b) => store.write(b),
      counts: async (tenant) => {
        const s = await store.stats(systemContext(tenant));
        return { events: s.events, alerts: s.alerts };
      },
      close: () => store.close(),
    };
  }
  throw new AppError('CONFIG', `unsupported store URL "${url}" (postgres://… or sqlite:DIR)`);
}
