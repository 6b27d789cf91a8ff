/**
 * @module
 * PostgreSQL implementation of the CTI store, over the synchronous bridge (`SyncPg` of
 * `@intersoc/storage/postgres`), so the detectors' indicator loading, TAXII and the intel routes
 * can call it as they call `SqliteCtiStore`. Same table (migration step 9, `intersoc db
 * migrate`), same statements in `$n` placeholders, same tenant isolation and partner TLP
 * ceiling in the SQL of every read; the suite (`internal/testing.ts`) runs on both.
 */
import { AppError, type AuthContext } from '@intersoc/core';
import type { SqlParam, Statement, SyncPg } from '@intersoc/storage/postgres';
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

/** Options of the PostgreSQL store. */
export interface PgCtiStoreOptions {
  readonly policy?: SharingPolicy;
  /** Clock (tests). */
  readonly now?: () => number;
}

/** The CTI store on PostgreSQL. */
export class PgCtiStore implements CtiStore {
  readonly #pg: SyncPg;
  readonly #policy: SharingPolicy;
  readonly #now: () => number;

  /** `pg` must point at a store migrated by `migratePg` (`intersoc db migrate`). */
  constructor(pg: SyncPg, options: PgCtiStoreOptions = {}) {
    this.#pg = pg;
    this.#policy = options.policy ?? DEFAULT_SHARING_POLICY;
    this.#now = options.now ?? Date.now;
  }

  put(ctx: AuthContext, objects: readonly unknown[], provenance: Provenance): PutOutcome[] {
    requireWriter(ctx);
    const added = this.#now();
    const out: (PutOutcome | undefined)[] = [];
    const accepted: { at: number; id: string; version: string }[] = [];
    const statements: Statement[] = [];
    for (const raw of objects) {
      const c = objectColumns(raw);
      if (!c.ok) {
        out.push(c.outcome);
        continue;
      }
      const v = c.value;
      accepted.push({ at: out.length, id: v.id, version: v.version });
      out.push(undefined);
      statements.push({
        text: `INSERT INTO cti_objects (tenant, id, version, type, spec_version, revoked, tlp, markings, source, via, added, json)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
        params: [
          ctx.tenant,
          v.id,
          v.version,
          v.type,
          v.specVersion,
          v.revoked,
          v.tlp,
          v.markings,
          provenance.source,
          provenance.via ?? null,
          added,
          v.json,
        ],
      });
    }
    // All inserts in one round trip, in one transaction, as SQLite's loop in one transaction.
    const results = statements.length === 0 ? [] : this.#pg.transaction(() => this.#pg.batch(statements));
    accepted.forEach((a, i) => {
      out[a.at] = { id: a.id, version: a.version, status: (results[i]?.count ?? 0) > 0 ? 'added' : 'duplicate' };
    });
    return out.filter((o): o is PutOutcome => o !== undefined);
  }

  /** SQL condition and parameters restricting rows to what the caller may read. */
  #visibility(ctx: AuthContext, params: SqlParam[]): string {
    const ceiling = readCeiling(ctx, this.#policy);
    params.push(ctx.tenant);
    const tenant = `tenant = $${params.length}`;
    if (ceiling === 'red') return tenant;
    const levels: string[] = readableLevels(ceiling);
    if (levels.includes(this.#policy.unmarkedAs)) levels.push('');
    return `${tenant} AND tlp IN (${add(params, levels).join(',')})`;
  }

  get(ctx: AuthContext, id: string, versions: VersionSelector = 'last'): StoredObject[] {
    return [...this.query(ctx, { ids: [id], versions }).objects];
  }

  query(ctx: AuthContext, q: CtiQuery = {}): CtiPage {
    const params: SqlParam[] = [];
    const where = [this.#visibility(ctx, params)];
    if (q.ids && q.ids.length > 0) where.push(`id IN (${add(params, q.ids).join(',')})`);
    if (q.types && q.types.length > 0) where.push(`type IN (${add(params, q.types).join(',')})`);
    if (q.addedAfter !== undefined) where.push(`added > ${add(params, [q.addedAfter]).join('')}`);
    const versions = q.versions ?? 'last';
    if (versions === 'last' || versions === 'first') {
      const agg = versions === 'last' ? 'max' : 'min';
      where.push(
        `version = (SELECT ${agg}(v.version) FROM cti_objects v WHERE v.tenant = cti_objects.tenant AND v.id = cti_objects.id)`,
      );
    } else if (Array.isArray(versions)) {
      where.push(`version IN (${add(params, versions as string[]).join(',')})`);
    }
    if (q.includeRevoked === false) where.push('NOT revoked');
    if (q.after !== undefined) {
      const seq = Number.parseInt(q.after, 36);
      if (!Number.isFinite(seq)) throw new AppError('BAD_REQUEST', 'invalid cursor');
      where.push(`seq > ${add(params, [seq]).join('')}`);
    }
    const limit = Math.max(1, Math.min(q.limit ?? 1000, 10_000));
    const rows = this.#pg.query<CtiRow>(
      `SELECT * FROM cti_objects WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ${add(params, [limit + 1]).join('')}`,
      params,
    );
    const page = rows.slice(0, limit).map(toStored);
    const last = rows[limit - 1];
    return rows.length > limit && last ? { objects: page, next: last.seq.toString(36) } : { objects: page };
  }

  delete(ctx: AuthContext, id: string, version?: string): number {
    requireWriter(ctx);
    return version === undefined
      ? this.#pg.run('DELETE FROM cti_objects WHERE tenant = $1 AND id = $2', [ctx.tenant, id])
      : this.#pg.run('DELETE FROM cti_objects WHERE tenant = $1 AND id = $2 AND version = $3', [
          ctx.tenant,
          id,
          version,
        ]);
  }

  revoke(ctx: AuthContext, id: string): StoredObject | undefined {
    requireWriter(ctx);
    const [latest] = this.get(ctx, id, 'last');
    if (!latest || latest.version === '') return latest;
    if (latest.revoked) return latest;
    let modified = new Date(this.#now()).toISOString();
    if (modified <= latest.version) modified = new Date(Date.parse(latest.version) + 1).toISOString();
    this.put(ctx, [{ ...latest.object, modified, revoked: true }], latest.provenance);
    return this.get(ctx, id, 'last')[0];
  }

  count(ctx: AuthContext): number {
    const params: SqlParam[] = [];
    const [r] = this.#pg.query<{ n: number }>(
      `SELECT count(*) AS n FROM cti_objects WHERE ${this.#visibility(ctx, params)}`,
      params,
    );
    return r?.n ?? 0;
  }

  /** The bridge belongs to whoever opened it. */
  close(): void {}
}

/** Appends `values` to `params`; returns their placeholders. */
function add(params: SqlParam[], values: readonly SqlParam[]): string[] {
  return values.map((v) => {
    params.push(v);
    return `$${params.length}`;
  });
}
