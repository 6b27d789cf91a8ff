/**
 * @module
 * The privacy state on PostgreSQL (migration step `21-privacy`), over the synchronous bridge, so
 * callers use it exactly as `SqlitePrivacyStore`. Same statements in `$n` placeholders, same row
 * mappers (`privacy-store.ts`). Writes that SQLite could check then make under its one writer are
 * single statements here: a request is inserted only while its pseudonym is still known
 * (`INSERT … SELECT … WHERE EXISTS`), a decision only while the request is pending and by someone
 * other than its requester (conditional `UPDATE`), pseudonyms and restrictions with `ON CONFLICT`.
 * The bridge never quotes parameters in its errors, so no personal value reaches a log.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '@intersoc/core';
import type { Statement, SyncPg } from '@intersoc/storage/postgres';
import type { PersonalKind } from '../inventory/inventory.js';
import {
  reOf,
  restrictionOf,
  undecidable,
  type PrivacyStore,
  type Reidentification,
  type ReRow,
  type Restriction,
  type RestrictionRow,
} from './privacy-store.js';
import type { PseudonymEntry } from './pseudonyms.js';

/** The privacy state in the PostgreSQL store. */
export class PgPrivacyStore implements PrivacyStore {
  readonly #pg: SyncPg;
  readonly #now: () => number;

  /** `pg` must point at a store migrated by `migratePg` (`intersoc db migrate`). */
  constructor(pg: SyncPg, now: () => number = Date.now) {
    this.#pg = pg;
    this.#now = now;
  }

  /** One round trip, in one transaction: every pseudonym shown, the first showing kept. */
  remember(tenant: string, used: readonly PseudonymEntry[]): void {
    if (used.length === 0) return;
    const t = this.#now();
    const statements: Statement[] = used.map((u) => ({
      text: `INSERT INTO privacy_pseudonyms (tenant, pseudonym, kind, value, first_shown) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (tenant, pseudonym) DO NOTHING`,
      params: [tenant, u.pseudonym, u.kind, u.value, t],
    }));
    this.#pg.transaction(() => this.#pg.batch(statements));
  }

  resolve(tenant: string, pseudonym: string): { kind: PersonalKind; value: string } | undefined {
    const [r] = this.#pg.query<{ kind: PersonalKind; value: string }>(
      'SELECT kind, value FROM privacy_pseudonyms WHERE tenant = $1 AND pseudonym = $2',
      [tenant, pseudonym],
    );
    return r;
  }

  shown(tenant: string): PseudonymEntry[] {
    return this.#pg.query<PseudonymEntry>(
      'SELECT pseudonym, kind, value FROM privacy_pseudonyms WHERE tenant = $1 ORDER BY pseudonym',
      [tenant],
    );
  }

  /** The test runs here, on the values read; the deletes go in one round trip. */
  forget(tenant: string, test: (value: string) => boolean): number {
    const rows = this.#pg.query<{ pseudonym: string; value: string }>(
      'SELECT pseudonym, value FROM privacy_pseudonyms WHERE tenant = $1',
      [tenant],
    );
    const gone = rows.filter((r) => test(r.value));
    if (gone.length === 0) return 0;
    return this.#pg
      .batch(
        gone.map((r) => ({
          text: 'DELETE FROM privacy_pseudonyms WHERE tenant = $1 AND pseudonym = $2',
          params: [tenant, r.pseudonym],
        })),
      )
      .reduce((n, r) => n + r.count, 0);
  }

  request(
    tenant: string,
    o: { pseudonym: string; caseId: string; reason: string; user: string; fourEyes: boolean },
  ): Reidentification {
    const [r] = this.#pg.query<ReRow>(
      `INSERT INTO privacy_reidentifications (id, tenant, pseudonym, case_id, reason, requested_by, requested, status)
         SELECT $1, $2, $3, $4, $5, $6, $7::bigint, $8
          WHERE EXISTS (SELECT 1 FROM privacy_pseudonyms WHERE tenant = $2 AND pseudonym = $3)
         RETURNING *`,
      [randomUUID(), tenant, o.pseudonym, o.caseId, o.reason, o.user, this.#now(), o.fourEyes ? 'pending' : 'approved'],
    );
    if (!r) throw new AppError('NOT_FOUND', `no pseudonym ${o.pseudonym} was shown in this tenant`);
    return reOf(r);
  }

  require(tenant: string, id: string): Reidentification {
    const [r] = this.#pg.query<ReRow>('SELECT * FROM privacy_reidentifications WHERE tenant = $1 AND id = $2', [
      tenant,
      id,
    ]);
    if (!r) throw new AppError('NOT_FOUND', `no re-identification ${id}`);
    return reOf(r);
  }

  /** One conditional UPDATE: of two processes deciding at once, only one decides. */
  decide(tenant: string, id: string, user: string, approve: boolean): Reidentification {
    const [r] = this.#pg.query<ReRow>(
      `UPDATE privacy_reidentifications SET status = $1, decided_by = $2, decided = $3
         WHERE tenant = $4 AND id = $5 AND status = 'pending' AND requested_by <> $2
         RETURNING *`,
      [approve ? 'approved' : 'denied', user, this.#now(), tenant, id],
    );
    if (r) return reOf(r);
    throw undecidable(this.require(tenant, id), user);
  }

  list(tenant: string, limit = 500): Reidentification[] {
    return this.#pg
      .query<ReRow>('SELECT * FROM privacy_reidentifications WHERE tenant = $1 ORDER BY requested DESC, id LIMIT $2', [
        tenant,
        limit,
      ])
      .map(reOf);
  }

  restrict(r: Omit<Restriction, 'created'>): Restriction {
    const created = this.#now();
    this.#pg.run(
      `INSERT INTO privacy_restrictions (tenant, subject, reason, created_by, created) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant, subject) DO UPDATE SET reason = excluded.reason, created_by = excluded.created_by,
           created = excluded.created`,
      [r.tenant, r.subject, r.reason, r.createdBy, created],
    );
    return { ...r, created };
  }

  lift(tenant: string, subject: string): boolean {
    return this.#pg.run('DELETE FROM privacy_restrictions WHERE tenant = $1 AND subject = $2', [tenant, subject]) > 0;
  }

  restrictions(tenant: string): Restriction[] {
    return this.#pg
      .query<RestrictionRow>(
        'SELECT tenant, subject, reason, created_by, created FROM privacy_restrictions WHERE tenant = $1 ORDER BY created, subject',
        [tenant],
      )
      .map(restrictionOf);
  }
}
