/**
 * @module
 * SQLite implementation of the correlation state store, on the node's database helpers.
 */
import { migrate, openDatabase, type SqliteDb } from '@intersoc/storage';
import type { CorrelationStateStore, StoredGroup } from './state-store.js';

const MIGRATIONS = [
  `CREATE TABLE sigma_correlation_state (
     scope TEXT NOT NULL,
     correlation TEXT NOT NULL,
     grp TEXT NOT NULL,
     state TEXT NOT NULL,
     expires INTEGER NOT NULL,
     PRIMARY KEY (scope, correlation, grp)
   ) WITHOUT ROWID`,
  'CREATE INDEX sigma_correlation_state_expires ON sigma_correlation_state (scope, expires)',
];

/** Correlation windows in a SQLite table `sigma_correlation_state`. */
export class SqliteStateStore implements CorrelationStateStore {
  private readonly db: SqliteDb;
  private readonly owned: boolean;

  /** Opens (or creates) the store in a database file, or uses an open handle. */
  constructor(fileOrDb: string | SqliteDb) {
    this.owned = typeof fileOrDb === 'string';
    this.db = typeof fileOrDb === 'string' ? openDatabase(fileOrDb) : fileOrDb;
    migrate(this.db, 'sigma-correlation', MIGRATIONS);
  }

  load(scope: string): Iterable<StoredGroup> {
    const rows = this.db
      .prepare('SELECT correlation, grp, state, expires FROM sigma_correlation_state WHERE scope = ?')
      .all(scope) as { correlation: string; grp: string; state: string; expires: number }[];
    return rows.map((r) => ({ correlation: r.correlation, group: r.grp, state: r.state, expires: r.expires }));
  }

  save(
    scope: string,
    upserts: readonly StoredGroup[],
    deletes: readonly { correlation: string; group: string }[],
  ): void {
    const up = this.db.prepare(
      `INSERT INTO sigma_correlation_state (scope, correlation, grp, state, expires) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (scope, correlation, grp) DO UPDATE SET state = excluded.state, expires = excluded.expires`,
    );
    const del = this.db.prepare('DELETE FROM sigma_correlation_state WHERE scope = ? AND correlation = ? AND grp = ?');
    this.db.transaction(() => {
      for (const u of upserts) up.run(scope, u.correlation, u.group, u.state, u.expires);
      for (const d of deletes) del.run(scope, d.correlation, d.group);
    })();
  }

  close(): void {
    if (this.owned) this.db.close();
  }
}
