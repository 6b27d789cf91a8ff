/**
 * @module
 * What pseudonymised triage keeps in the node database: the pseudonyms shown (so a value can be
 * re-identified for a case), re-identification requests with their reason, approval and
 * disclosure (the data protection officer reads them all), and restrictions of processing.
 * `PgPrivacyStore` is the same store on PostgreSQL (`privacy-store.ts` holds what both share).
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '@intersoc/core';
import { migrate, type SqliteDb } from '@intersoc/storage';
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

export type { Reidentification, Restriction } from './privacy-store.js';

const STEPS = [
  `CREATE TABLE privacy_pseudonyms (
     tenant TEXT NOT NULL,
     pseudonym TEXT NOT NULL,
     kind TEXT NOT NULL,
     value TEXT NOT NULL,
     first_shown INTEGER NOT NULL,
     PRIMARY KEY (tenant, pseudonym)
   ) WITHOUT ROWID;
   CREATE TABLE privacy_reidentifications (
     id TEXT PRIMARY KEY,
     tenant TEXT NOT NULL,
     pseudonym TEXT NOT NULL,
     case_id TEXT NOT NULL,
     reason TEXT NOT NULL,
     requested_by TEXT NOT NULL,
     requested INTEGER NOT NULL,
     status TEXT NOT NULL,
     decided_by TEXT,
     decided INTEGER
   );
   CREATE INDEX privacy_reidentifications_by_tenant ON privacy_reidentifications (tenant, requested);
   CREATE TABLE privacy_restrictions (
     tenant TEXT NOT NULL,
     subject TEXT NOT NULL,
     reason TEXT NOT NULL,
     created_by TEXT NOT NULL,
     created INTEGER NOT NULL,
     PRIMARY KEY (tenant, subject)
   ) WITHOUT ROWID;`,
];

/** The privacy tables of the node database. */
export class SqlitePrivacyStore implements PrivacyStore {
  constructor(
    readonly db: SqliteDb,
    private readonly now: () => number = Date.now,
  ) {
    migrate(db, 'privacy', STEPS);
  }

  /** Remembers pseudonyms shown in `tenant`. */
  remember(tenant: string, used: readonly PseudonymEntry[]): void {
    if (used.length === 0) return;
    const ins = this.db.prepare(
      'INSERT OR IGNORE INTO privacy_pseudonyms (tenant, pseudonym, kind, value, first_shown) VALUES (?, ?, ?, ?, ?)',
    );
    const t = this.now();
    this.db.transaction(() => {
      for (const u of used) ins.run(tenant, u.pseudonym, u.kind, u.value, t);
    })();
  }

  /** The value behind a pseudonym (internal: only re-identification discloses it). */
  resolve(tenant: string, pseudonym: string): { kind: PersonalKind; value: string } | undefined {
    return this.db
      .prepare('SELECT kind, value FROM privacy_pseudonyms WHERE tenant = ? AND pseudonym = ?')
      .get(tenant, pseudonym) as { kind: PersonalKind; value: string } | undefined;
  }

  /** Every pseudonym shown in `tenant` with its value, by pseudonym. */
  shown(tenant: string): PseudonymEntry[] {
    return this.db
      .prepare('SELECT pseudonym, kind, value FROM privacy_pseudonyms WHERE tenant = ? ORDER BY pseudonym')
      .all(tenant) as PseudonymEntry[];
  }

  /** Forgets pseudonyms of erased values. */
  forget(tenant: string, test: (value: string) => boolean): number {
    const rows = this.db.prepare('SELECT pseudonym, value FROM privacy_pseudonyms WHERE tenant = ?').all(tenant) as {
      pseudonym: string;
      value: string;
    }[];
    const del = this.db.prepare('DELETE FROM privacy_pseudonyms WHERE tenant = ? AND pseudonym = ?');
    let n = 0;
    for (const r of rows) if (test(r.value)) n += del.run(tenant, r.pseudonym).changes;
    return n;
  }

  /** Records a request; `approved` at once unless four eyes are required. */
  request(
    tenant: string,
    o: { pseudonym: string; caseId: string; reason: string; user: string; fourEyes: boolean },
  ): Reidentification {
    if (!this.resolve(tenant, o.pseudonym))
      throw new AppError('NOT_FOUND', `no pseudonym ${o.pseudonym} was shown in this tenant`);
    const id = randomUUID();
    const t = this.now();
    const status = o.fourEyes ? 'pending' : 'approved';
    this.db
      .prepare(
        `INSERT INTO privacy_reidentifications (id, tenant, pseudonym, case_id, reason, requested_by, requested, status, decided_by, decided)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, tenant, o.pseudonym, o.caseId, o.reason, o.user, t, status, null, null);
    return this.require(tenant, id);
  }

  /** A request of the tenant. */
  require(tenant: string, id: string): Reidentification {
    const r = this.db.prepare('SELECT * FROM privacy_reidentifications WHERE tenant = ? AND id = ?').get(tenant, id) as
      ReRow | undefined;
    if (!r) throw new AppError('NOT_FOUND', `no re-identification ${id}`);
    return reOf(r);
  }

  /**
   * A second person approves or denies a pending request. One conditional UPDATE, so of two
   * processes deciding at once only one decides; the other learns why from the row.
   */
  decide(tenant: string, id: string, user: string, approve: boolean): Reidentification {
    const changed = this.db
      .prepare(
        `UPDATE privacy_reidentifications SET status = ?, decided_by = ?, decided = ?
           WHERE tenant = ? AND id = ? AND status = 'pending' AND requested_by <> ?`,
      )
      .run(approve ? 'approved' : 'denied', user, this.now(), tenant, id, user).changes;
    const r = this.require(tenant, id);
    if (changed === 0) throw undecidable(r, user);
    return r;
  }

  /** Requests of a tenant, newest first (for the data protection officer). */
  list(tenant: string, limit = 500): Reidentification[] {
    return (
      this.db
        .prepare('SELECT * FROM privacy_reidentifications WHERE tenant = ? ORDER BY requested DESC, id LIMIT ?')
        .all(tenant, limit) as ReRow[]
    ).map(reOf);
  }

  /** Marks a subject restricted. */
  restrict(r: Omit<Restriction, 'created'>): Restriction {
    const created = this.now();
    this.db
      .prepare(
        'INSERT OR REPLACE INTO privacy_restrictions (tenant, subject, reason, created_by, created) VALUES (?, ?, ?, ?, ?)',
      )
      .run(r.tenant, r.subject, r.reason, r.createdBy, created);
    return { ...r, created };
  }

  /** Lifts a restriction; false when there was none. */
  lift(tenant: string, subject: string): boolean {
    return (
      this.db.prepare('DELETE FROM privacy_restrictions WHERE tenant = ? AND subject = ?').run(tenant, subject)
        .changes > 0
    );
  }

  /** Restrictions of a tenant, oldest first (then by subject, so ties list alike on both stores). */
  restrictions(tenant: string): Restriction[] {
    return (
      this.db
        .prepare(
          'SELECT tenant, subject, reason, created_by, created FROM privacy_restrictions WHERE tenant = ? ORDER BY created, subject',
        )
        .all(tenant) as RestrictionRow[]
    ).map(restrictionOf);
  }
}
