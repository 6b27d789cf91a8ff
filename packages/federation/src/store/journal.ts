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
import { stmt } from '../internal/sql.js';

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

/** Decisions of one run with the same peer and outcome. */
export interface DecisionGroup {
  readonly tenant: string;
  readonly peer: string;
  readonly allowed: boolean;
  readonly reason: string;
  readonly tlp: string;
  readonly distribution: string;
  readonly hops: number;
  /** `id@version` of each object. */
  readonly objects: string[];
}

/** Collects a run's decisions into groups as they are taken. */
export class DecisionLog {
  private readonly byKey = new Map<string, DecisionGroup>();
  total = 0;
  denied = 0;

  constructor(private readonly tenant: string) {}

  add(
    peer: string,
    d: { readonly allow: boolean; readonly reason: string; readonly tlp: string; readonly distribution: string },
    hops: number,
    object: string,
  ): void {
    const key = `${peer}\0${d.allow ? 1 : 0}\0${d.reason}\0${d.tlp}\0${d.distribution}\0${hops}`;
    let g = this.byKey.get(key);
    if (!g) {
      g = {
        tenant: this.tenant,
        peer,
        allowed: d.allow,
        reason: d.reason,
        tlp: d.tlp,
        distribution: d.distribution,
        hops,
        objects: [],
      };
      this.byKey.set(key, g);
    }
    g.objects.push(object);
    this.total++;
    if (!d.allow) this.denied++;
  }

  groups(): DecisionGroup[] {
    return [...this.byKey.values()];
  }
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
    stmt(this.db, 'INSERT OR REPLACE INTO fed_communities (name, key, added) VALUES (?, ?, ?)').run(
      name,
      key.toLowerCase(),
      this.now(),
    );
    return key.toLowerCase();
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
      JSON.stringify([...new Set(g.members)]),
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
    ).all(tenant) as { id: string; version: string; terms: string }[];
    const parsed = new Map<string, SharingTerms>();
    return rows.map((r) => {
      let terms = parsed.get(r.terms);
      if (!terms) parsed.set(r.terms, (terms = SharingTermsSchema.parse(JSON.parse(r.terms))));
      return { tenant, id: r.id, version: r.version, terms, explicit: false };
    });
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
      for (const g of groups)
        st.run(
          t,
          run,
          g.tenant,
          g.peer,
          g.allowed ? 1 : 0,
          g.reason,
          g.tlp,
          g.distribution,
          g.hops,
          g.objects.length,
          JSON.stringify(g.objects),
        );
    })();
  }

  /** Decisions, newest first, one per object and peer (optionally of one peer or object). */
  decisions(
    q: { peer?: string; objectId?: string; limit?: number } = {},
  ): (Decision & { time: number; run: string })[] {
    const limit = q.limit ?? 100;
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.peer) {
      where.push('peer = ?');
      params.push(q.peer);
    }
    if (q.objectId) {
      where.push('objects LIKE ?');
      params.push(`%"${q.objectId.replace(/[%_"\\]/g, '')}@%`);
    }
    const rows = stmt(
      this.db,
      `SELECT * FROM fed_decisions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`,
    ).all(...params, limit) as {
      time: number;
      run: string;
      tenant: string;
      peer: string;
      allowed: number;
      reason: string;
      tlp: string;
      distribution: string;
      hops: number;
      objects: string;
    }[];
    const out: (Decision & { time: number; run: string })[] = [];
    for (const r of rows) {
      for (const o of JSON.parse(r.objects) as string[]) {
        const at = o.lastIndexOf('@');
        const objectId = o.slice(0, at);
        if (q.objectId && objectId !== q.objectId) continue;
        out.push({
          time: r.time,
          run: r.run,
          tenant: r.tenant,
          objectId,
          version: o.slice(at + 1),
          peer: r.peer,
          allowed: r.allowed === 1,
          reason: r.reason,
          tlp: r.tlp,
          distribution: r.distribution,
          hops: r.hops,
        });
        if (out.length >= limit) return out;
      }
    }
    return out;
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
      objectId.slice(0, 200),
      code,
      reason.slice(0, 500),
    );
  }

  rejections(limit = 100): RejectionRecord[] {
    return (
      stmt(this.db, 'SELECT * FROM fed_rejections ORDER BY seq DESC LIMIT ?').all(limit) as {
        time: number;
        peer: string;
        object_id: string;
        code: string;
        reason: string;
      }[]
    ).map((r) => ({ time: r.time, peer: r.peer, objectId: r.object_id, code: r.code, reason: r.reason }));
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
