/**
 * @module
 * The federation's bookkeeping on SQLite: community keys, sharing groups, the share ledger, the
 * decision journal (every policy decision, allowed or not), sync cursors, request nonces (replay
 * protection that survives restarts), rejected submissions with their reasons, and exchanges. The
 * records, the `FederationJournal` interface and the row mappers are in `journal-model.ts`
 * (shared with `PgJournal`).
 */
import { randomBytes } from 'node:crypto';
import type { SqliteDb } from '@intersoc/storage';
import type { SharingGroup, SharingTerms } from '../policy/terms.js';
import { stmt } from '../internal/sql.js';
import {
  communityKeyOf,
  decisionGroupParams,
  membersJson,
  objectPattern,
  rejectionParams,
  toDecisions,
  toLedgerEntries,
  toRejection,
  type DecisionGroup,
  type DecisionQuery,
  type DecisionRecord,
  type DecisionRow,
  type Exchange,
  type FederationJournal,
  type LedgerEntry,
  type LedgerRow,
  type RejectionRecord,
  type RejectionRow,
} from './journal-model.js';

export { DecisionLog } from './journal-model.js';
export type {
  Decision,
  DecisionGroup,
  DecisionQuery,
  DecisionRecord,
  Exchange,
  FederationJournal,
  LedgerEntry,
  RejectionRecord,
} from './journal-model.js';

/** The journal in the node's SQLite database. */
export class Journal implements FederationJournal {
  constructor(
    private readonly db: SqliteDb,
    private readonly now: () => number = Date.now,
  ) {}

  // community keys --------------------------------------------------------------------------

  /** Sets a community's pseudonymisation key (hex, ≥ 128 bits); generates one when omitted. */
  setCommunityKey(name: string, keyHex?: string): string {
    const key = communityKeyOf(keyHex, () => randomBytes(32).toString('hex'));
    stmt(this.db, 'INSERT OR REPLACE INTO fed_communities (name, key, added) VALUES (?, ?, ?)').run(
      name,
      key,
      this.now(),
    );
    return key;
  }

  communityKey(name: string): Buffer | undefined {
    const r = stmt(this.db, 'SELECT key FROM fed_communities WHERE name = ?').get(name) as { key: string } | undefined;
    return r ? Buffer.from(r.key, 'hex') : undefined;
  }

  communities(): string[] {
    return (stmt(this.db, 'SELECT name FROM fed_communities ORDER BY name').all() as { name: string }[]).map(
      (r) => r.name,
    );
  }

  // sharing groups --------------------------------------------------------------------------

  setGroup(g: SharingGroup): void {
    stmt(this.db, 'INSERT OR REPLACE INTO fed_groups (name, members, changed) VALUES (?, ?, ?)').run(
      g.name,
      membersJson(g),
      this.now(),
    );
  }

  group(name: string): SharingGroup | undefined {
    const r = stmt(this.db, 'SELECT members FROM fed_groups WHERE name = ?').get(name) as
      { members: string } | undefined;
    return r ? { name, members: JSON.parse(r.members) as string[] } : undefined;
  }

  groups(): SharingGroup[] {
    return (
      stmt(this.db, 'SELECT name, members FROM fed_groups ORDER BY name').all() as {
        name: string;
        members: string;
      }[]
    ).map((r) => ({ name: r.name, members: JSON.parse(r.members) as string[] }));
  }

  removeGroup(name: string): boolean {
    return stmt(this.db, 'DELETE FROM fed_groups WHERE name = ?').run(name).changes > 0;
  }

  // ledger -------------------------------------------------------------------------------------

  /** Records shared objects: one row each, their terms once per run. */
  ledgerAdd(
    run: string,
    terms: SharingTerms,
    explicit: boolean,
    entries: readonly { tenant: string; id: string; version: string }[],
  ): void {
    const runSt = stmt(this.db, 'INSERT OR IGNORE INTO fed_runs (run, terms, explicit, time) VALUES (?, ?, ?, ?)');
    const st = stmt(this.db, 'INSERT OR REPLACE INTO fed_ledger (tenant, id, version, run) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      runSt.run(run, JSON.stringify(terms), explicit ? 1 : 0, this.now());
      for (const e of entries) st.run(e.tenant, e.id, e.version, run);
    })();
  }

  /** Ledger entries of a tenant (automatic shares only: explicit sends are never replayed). */
  ledger(tenant: string): LedgerEntry[] {
    const rows = stmt(
      this.db,
      `SELECT l.id, l.version, r.terms FROM fed_ledger l JOIN fed_runs r ON r.run = l.run
       WHERE l.tenant = ? AND r.explicit = 0 ORDER BY r.time`,
    ).all(tenant) as LedgerRow[];
    return toLedgerEntries(tenant, rows);
  }

  /** True when the node shared this object version itself. */
  isShared(tenant: string, id: string): boolean {
    return stmt(this.db, 'SELECT 1 FROM fed_ledger WHERE tenant = ? AND id = ? LIMIT 1').get(tenant, id) !== undefined;
  }

  // decisions ----------------------------------------------------------------------------------

  /** Journals a run's decisions, grouped by peer and outcome (every object is named). */
  recordDecisionGroups(run: string, groups: readonly DecisionGroup[]): void {
    const st = stmt(
      this.db,
      `INSERT INTO fed_decisions (time, run, tenant, peer, allowed, reason, tlp, distribution, hops, count, objects)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const t = this.now();
    this.db.transaction(() => {
      for (const g of groups) st.run(t, run, ...decisionGroupParams(g));
    })();
  }

  /** Decisions, newest first, one per object and peer (optionally of one peer or object). */
  decisions(q: DecisionQuery = {}): DecisionRecord[] {
    const limit = q.limit ?? 100;
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.peer) {
      where.push('peer = ?');
      params.push(q.peer);
    }
    if (q.objectId) {
      where.push('objects LIKE ?');
      params.push(objectPattern(q.objectId));
    }
    const rows = stmt(
      this.db,
      `SELECT * FROM fed_decisions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`,
    ).all(...params, limit) as DecisionRow[];
    return toDecisions(rows, limit, q.objectId);
  }

  // cursors ------------------------------------------------------------------------------------

  cursor(peer: string, kind: string): string | undefined {
    const r = stmt(this.db, 'SELECT value FROM fed_cursors WHERE peer = ? AND kind = ?').get(peer, kind) as
      { value: string } | undefined;
    return r?.value;
  }

  setCursor(peer: string, kind: string, value: string): void {
    stmt(this.db, 'INSERT OR REPLACE INTO fed_cursors (peer, kind, value) VALUES (?, ?, ?)').run(peer, kind, value);
  }

  // nonces -------------------------------------------------------------------------------------

  /** Records a request nonce; false when it was seen already (a replay). */
  useNonce(peer: string, nonce: string, expires: number): boolean {
    const r = stmt(this.db, 'INSERT OR IGNORE INTO fed_nonces (peer, nonce, expires) VALUES (?, ?, ?)').run(
      peer,
      nonce,
      expires,
    );
    return r.changes > 0;
  }

  pruneNonces(): number {
    return stmt(this.db, 'DELETE FROM fed_nonces WHERE expires < ?').run(this.now()).changes;
  }

  // rejections and exchanges -------------------------------------------------------------------

  reject(peer: string, objectId: string, code: string, reason: string): void {
    stmt(this.db, 'INSERT INTO fed_rejections (time, peer, object_id, code, reason) VALUES (?, ?, ?, ?, ?)').run(
      this.now(),
      peer,
      ...rejectionParams(objectId, code, reason),
    );
  }

  rejections(limit = 100): RejectionRecord[] {
    return (stmt(this.db, 'SELECT * FROM fed_rejections ORDER BY seq DESC LIMIT ?').all(limit) as RejectionRow[]).map(
      toRejection,
    );
  }

  exchange(e: Omit<Exchange, 'time'>): void {
    stmt(
      this.db,
      'INSERT INTO fed_exchanges (time, peer, direction, mode, objects, rejected) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(this.now(), e.peer, e.direction, e.mode, e.objects, e.rejected);
  }

  exchanges(limit = 100): Exchange[] {
    return (
      stmt(this.db, 'SELECT * FROM fed_exchanges ORDER BY seq DESC LIMIT ?').all(limit) as {
        time: number;
        peer: string;
        direction: 'sent' | 'received';
        mode: 'push' | 'pull';
        objects: number;
        rejected: number;
      }[]
    ).map((r) => ({ ...r }));
  }
}
