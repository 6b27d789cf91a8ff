/**
 * @module
 * The federation's bookkeeping: community keys, sharing groups, the share ledger, the decision
 * journal (every policy decision, allowed or not), sync cursors, request nonces (replay
 * protection that survives restarts), rejected submissions with their reasons, and exchanges.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '@intersoc/core';
import type { SqliteDb } from '@intersoc/storage';
import { SharingTermsSchema, type SharingGroup, type SharingTerms } from '../policy/terms.js';

/** One policy decision. */
export interface Decision {
  readonly tenant: string;
  readonly objectId: string;
  readonly version: string;
  readonly peer: string;
  readonly allowed: boolean;
  readonly reason: string;
  readonly tlp: string;
  readonly distribution: string;
  readonly hops: number;
}

/** A rejected object or request. */
export interface RejectionRecord {
  readonly time: number;
  readonly peer: string;
  readonly objectId: string;
  readonly code: string;
  readonly reason: string;
}

/** An exchange with a peer. */
export interface Exchange {
  readonly time: number;
  readonly peer: string;
  readonly direction: 'sent' | 'received';
  readonly mode: 'push' | 'pull';
  readonly objects: number;
  readonly rejected: number;
}

/** A ledger entry: an object the node decided to share, with its terms. */
export interface LedgerEntry {
  readonly tenant: string;
  readonly id: string;
  readonly version: string;
  readonly terms: SharingTerms;
  readonly explicit: boolean;
}

/** The journal. */
export class Journal {
  constructor(
    private readonly db: SqliteDb,
    private readonly now: () => number = Date.now,
  ) {}

  // community keys --------------------------------------------------------------------------

  /** Sets a community's pseudonymisation key (hex, ≥ 128 bits); generates one when omitted. */
  setCommunityKey(name: string, keyHex?: string): string {
    const key = keyHex ?? randomBytes(32).toString('hex');
    if (!/^[0-9a-f]{32,128}$/i.test(key)) throw new AppError('VALIDATION', 'community keys are 32 to 128 hex digits');
    this.db
      .prepare('INSERT OR REPLACE INTO fed_communities (name, key, added) VALUES (?, ?, ?)')
      .run(name, key.toLowerCase(), this.now());
    return key.toLowerCase();
  }

  communityKey(name: string): Buffer | undefined {
    const r = this.db.prepare('SELECT key FROM fed_communities WHERE name = ?').get(name) as
      { key: string } | undefined;
    return r ? Buffer.from(r.key, 'hex') : undefined;
  }

  communities(): string[] {
    return (this.db.prepare('SELECT name FROM fed_communities ORDER BY name').all() as { name: string }[]).map(
      (r) => r.name,
    );
  }

  // sharing groups --------------------------------------------------------------------------

  setGroup(g: SharingGroup): void {
    this.db
      .prepare('INSERT OR REPLACE INTO fed_groups (name, members, changed) VALUES (?, ?, ?)')
      .run(g.name, JSON.stringify([...new Set(g.members)]), this.now());
  }

  group(name: string): SharingGroup | undefined {
    const r = this.db.prepare('SELECT members FROM fed_groups WHERE name = ?').get(name) as
      { members: string } | undefined;
    return r ? { name, members: JSON.parse(r.members) as string[] } : undefined;
  }

  groups(): SharingGroup[] {
    return (this.db.prepare('SELECT name, members FROM fed_groups ORDER BY name').all() as {
      name: string;
      members: string;
    }[]).map((r) => ({ name: r.name, members: JSON.parse(r.members) as string[] }));
  }

  removeGroup(name: string): boolean {
    return this.db.prepare('DELETE FROM fed_groups WHERE name = ?').run(name).changes > 0;
  }

  // ledger -------------------------------------------------------------------------------------

  ledgerAdd(entries: readonly LedgerEntry[]): void {
    const st = this.db.prepare(
      'INSERT OR REPLACE INTO fed_ledger (tenant, id, version, terms, explicit, time) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const t = this.now();
    this.db.transaction(() => {
      for (const e of entries) st.run(e.tenant, e.id, e.version, JSON.stringify(e.terms), e.explicit ? 1 : 0, t);
    })();
  }

  /** Ledger entries of a tenant (automatic shares only: explicit sends are never replayed). */
  ledger(tenant: string): LedgerEntry[] {
    const rows = this.db
      .prepare('SELECT id, version, terms FROM fed_ledger WHERE tenant = ? AND explicit = 0 ORDER BY time')
      .all(tenant) as { id: string; version: string; terms: string }[];
    return rows.map((r) => ({
      tenant,
      id: r.id,
      version: r.version,
      terms: SharingTermsSchema.parse(JSON.parse(r.terms)),
      explicit: false,
    }));
  }

  /** True when the node shared this object version itself. */
  isShared(tenant: string, id: string): boolean {
    return this.db.prepare('SELECT 1 FROM fed_ledger WHERE tenant = ? AND id = ? LIMIT 1').get(tenant, id) !== undefined;
  }

  // decisions ----------------------------------------------------------------------------------

  recordDecisions(run: string, decisions: readonly Decision[]): void {
    const st = this.db.prepare(
      `INSERT INTO fed_decisions (time, run, tenant, object_id, version, peer, allowed, reason, tlp, distribution, hops)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const t = this.now();
    this.db.transaction(() => {
      for (const d of decisions)
        st.run(t, run, d.tenant, d.objectId, d.version, d.peer, d.allowed ? 1 : 0, d.reason, d.tlp, d.distribution, d.hops);
    })();
  }

  decisions(q: { peer?: string; objectId?: string; limit?: number } = {}): (Decision & { time: number; run: string })[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.peer) {
      where.push('peer = ?');
      params.push(q.peer);
    }
    if (q.objectId) {
      where.push('object_id = ?');
      params.push(q.objectId);
    }
    const rows = this.db
      .prepare(
        `SELECT * FROM fed_decisions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`,
      )
      .all(...params, q.limit ?? 100) as {
      time: number;
      run: string;
      tenant: string;
      object_id: string;
      version: string;
      peer: string;
      allowed: number;
      reason: string;
      tlp: string;
      distribution: string;
      hops: number;
    }[];
    return rows.map((r) => ({
      time: r.time,
      run: r.run,
      tenant: r.tenant,
      objectId: r.object_id,
      version: r.version,
      peer: r.peer,
      allowed: r.allowed === 1,
      reason: r.reason,
      tlp: r.tlp,
      distribution: r.distribution,
      hops: r.hops,
    }));
  }

  // cursors ------------------------------------------------------------------------------------

  cursor(peer: string, kind: string): string | undefined {
    const r = this.db.prepare('SELECT value FROM fed_cursors WHERE peer = ? AND kind = ?').get(peer, kind) as
      { value: string } | undefined;
    return r?.value;
  }

  setCursor(peer: string, kind: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO fed_cursors (peer, kind, value) VALUES (?, ?, ?)').run(peer, kind, value);
  }

  // nonces -------------------------------------------------------------------------------------

  /** Records a request nonce; false when it was seen already (a replay). */
  useNonce(peer: string, nonce: string, expires: number): boolean {
    const r = this.db
      .prepare('INSERT OR IGNORE INTO fed_nonces (peer, nonce, expires) VALUES (?, ?, ?)')
      .run(peer, nonce, expires);
    return r.changes > 0;
  }

  pruneNonces(): number {
    return this.db.prepare('DELETE FROM fed_nonces WHERE expires < ?').run(this.now()).changes;
  }

  // rejections and exchanges -------------------------------------------------------------------

  reject(peer: string, objectId: string, code: string, reason: string): void {
    this.db
      .prepare('INSERT INTO fed_rejections (time, peer, object_id, code, reason) VALUES (?, ?, ?, ?, ?)')
      .run(this.now(), peer, objectId.slice(0, 200), code, reason.slice(0, 500));
  }

  rejections(limit = 100): RejectionRecord[] {
    return (
      this.db.prepare('SELECT * FROM fed_rejections ORDER BY seq DESC LIMIT ?').all(limit) as {
        time: number;
        peer: string;
        object_id: string;
        code: string;
        reason: string;
      }[]
    ).map((r) => ({ time: r.time, peer: r.peer, objectId: r.object_id, code: r.code, reason: r.reason }));
  }

  exchange(e: Omit<Exchange, 'time'>): void {
    this.db
      .prepare('INSERT INTO fed_exchanges (time, peer, direction, mode, objects, rejected) VALUES (?, ?, ?, ?, ?, ?)')
      .run(this.now(), e.peer, e.direction, e.mode, e.objects, e.rejected);
  }

  exchanges(limit = 100): Exchange[] {
    return (
      this.db.prepare('SELECT * FROM fed_exchanges ORDER BY seq DESC LIMIT ?').all(limit) as {
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
