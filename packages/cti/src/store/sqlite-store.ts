/**
 * @module
 * SQLite implementation of the CTI store. One row per object version in `cti_objects`, keyed
 * (tenant, id, version); the row id orders storage for stable paging. Tenant isolation and the
 * partner TLP ceiling are applied in the SQL of every read.
 */
import { AppError, type AuthContext } from '@intersoc/core';
import { migrate, openDatabase, type SqliteDb } from '@intersoc/storage';
import { objectColumns, toStored, type CtiRow } from './object-rows.js';
import { DEFAULT_SHARING_POLICY, readableLevels, readCeiling, requireWriter } from './policy.js';
import type {
  CtiPage,
  CtiQuery,
  CtiStore,
  Provenance,
  PutOutcome,
  SharingPolicy,
  StoredObject,
  VersionSelector,
} from './types.js';

const MIGRATIONS = [
  `CREATE TABLE cti_objects (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     tenant TEXT NOT NULL,
     id TEXT NOT NULL,
     version TEXT NOT NULL,
     type TEXT NOT NULL,
     spec_version TEXT NOT NULL,
     revoked INTEGER NOT NULL DEFAULT 0,
     tlp TEXT NOT NULL,
     markings TEXT NOT NULL,
     source TEXT NOT NULL,
     via TEXT,
     added INTEGER NOT NULL,
     json TEXT NOT NULL,
     UNIQUE (tenant, id, version)
   );
   CREATE INDEX cti_objects_type ON cti_objects (tenant, type, seq);
   CREATE INDEX cti_objects_added ON cti_objects (tenant, added);`,
];

type Row = CtiRow;

/** Options of the SQLite store. */
export interface SqliteCtiStoreOptions {
  readonly policy?: SharingPolicy;
  /** Clock (tests). */
  readonly now?: () => number;
}

/** Opens (or creates) the store in a database file (or `:memory:`) or an open handle. */
export function openSqliteCtiStore(db: string | SqliteDb, options: SqliteCtiStoreOptions = {}): SqliteCtiStore {
  const handle = typeof db === 'string' ? openDatabase(db) : db;
  migrate(handle, 'cti', MIGRATIONS);
  return new SqliteCtiStore(handle, options, typeof db === 'string');
}

/** The SQLite CTI store. */
export class SqliteCtiStore implements CtiStore {
  private readonly policy: SharingPolicy;
  private readonly now: () => number;

  constructor(
    readonly db: SqliteDb,
    options: SqliteCtiStoreOptions,
    private readonly owned: boolean,
  ) {
    this.policy = options.policy ?? DEFAULT_SHARING_POLICY;
    this.now = options.now ?? Date.now;
  }

  put(ctx: AuthContext, objects: readonly unknown[], provenance: Provenance): PutOutcome[] {
    requireWriter(ctx);
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO cti_objects (tenant, id, version, type, spec_version, revoked, tlp, markings, source, via, added, json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const out: PutOutcome[] = [];
    const added = this.now();
    this.db.transaction(() => {
      for (const raw of objects) {
        const c = objectColumns(raw);
        if (!c.ok) {
          out.push(c.outcome);
          continue;
        }
        const v = c.value;
        const r = insert.run(
          ctx.tenant,
          v.id,
          v.version,
          v.type,
          v.specVersion,
          v.revoked ? 1 : 0,
          v.tlp,
          v.markings,
          provenance.source,
          provenance.via ?? null,
          added,
          v.json,
        );
        out.push({ id: v.id, version: v.version, status: r.changes > 0 ? 'added' : 'duplicate' });
      }
    })();
    return out;
  }

  /** SQL condition and parameters restricting rows to what the caller may read. */
  private visibility(ctx: AuthContext): { sql: string; params: unknown[] } {
    const ceiling = readCeiling(ctx, this.policy);
    if (ceiling === 'red') return { sql: 'tenant = ?', params: [ctx.tenant] };
    const levels: string[] = readableLevels(ceiling);
    if (levels.includes(this.policy.unmarkedAs)) levels.push('');
    return { sql: `tenant = ? AND tlp IN (${levels.map(() => '?').join(',')})`, params: [ctx.tenant, ...levels] };
  }

  get(ctx: AuthContext, id: string, versions: VersionSelector = 'last'): StoredObject[] {
    return [...this.query(ctx, { ids: [id], versions }).objects];
  }

  query(ctx: AuthContext, q: CtiQuery = {}): CtiPage {
    const vis = this.visibility(ctx);
    const where = [vis.sql];
    const params: unknown[] = [...vis.params];
    if (q.ids && q.ids.length > 0) {
      where.push(`id IN (${q.ids.map(() => '?').join(',')})`);
      params.push(...q.ids);
    }
    if (q.types && q.types.length > 0) {
      where.push(`type IN (${q.types.map(() => '?').join(',')})`);
      params.push(...q.types);
    }
    if (q.addedAfter !== undefined) {
      where.push('added > ?');
      params.push(q.addedAfter);
    }
    const versions = q.versions ?? 'last';
    if (versions === 'last' || versions === 'first') {
      const agg = versions === 'last' ? 'MAX' : 'MIN';
      where.push(
        `version = (SELECT ${agg}(v.version) FROM cti_objects v WHERE v.tenant = cti_objects.tenant AND v.id = cti_objects.id)`,
      );
    } else if (Array.isArray(versions)) {
      where.push(`version IN (${versions.map(() => '?').join(',')})`);
      params.push(...(versions as string[]));
    }
    if (q.includeRevoked === false) where.push('revoked = 0');
    if (q.after !== undefined) {
      const seq = Number.parseInt(q.after, 36);
      if (!Number.isFinite(seq)) throw new AppError('BAD_REQUEST', 'invalid cursor');
      where.push('seq > ?');
      params.push(seq);
    }
    const limit = Math.max(1, Math.min(q.limit ?? 1000, 10_000));
    const rows = this.db
      .prepare(`SELECT * FROM cti_objects WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`)
      .all(...params, limit + 1) as Row[];
    const page = rows.slice(0, limit).map(toStored);
    const last = rows[limit - 1];
    return rows.length > limit && last ? { objects: page, next: last.seq.toString(36) } : { objects: page };
  }

  delete(ctx: AuthContext, id: string, version?: string): number {
    requireWriter(ctx);
    const r =
      version === undefined
        ? this.db.prepare('DELETE FROM cti_objects WHERE tenant = ? AND id = ?').run(ctx.tenant, id)
        : this.db
            .prepare('DELETE FROM cti_objects WHERE tenant = ? AND id = ? AND version = ?')
            .run(ctx.tenant, id, version);
    return r.changes;
  }

  revoke(ctx: AuthContext, id: string): StoredObject | undefined {
    requireWriter(ctx);
    const [latest] = this.get(ctx, id, 'last');
    if (!latest || latest.version === '') return latest;
    if (latest.revoked) return latest;
    let modified = new Date(this.now()).toISOString();
    if (modified <= latest.version) modified = new Date(Date.parse(latest.version) + 1).toISOString();
    this.put(ctx, [{ ...latest.object, modified, revoked: true }], latest.provenance);
    return this.get(ctx, id, 'last')[0];
  }

  count(ctx: AuthContext): number {
    const vis = this.visibility(ctx);
    const r = this.db.prepare(`SELECT COUNT(*) AS n FROM cti_objects WHERE ${vis.sql}`).get(...vis.params) as {
      n: number;
    };
    return r.n;
  }

  close(): void {
    if (this.owned) this.db.close();
  }
}
