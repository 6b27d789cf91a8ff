/**
 * @module
 * The federation journal on PostgreSQL (migration step `11-federation-state`), over the
 * synchronous bridge, so callers use it exactly as `Journal`. Same statements with `$n`
 * placeholders; SQLite's `INSERT OR REPLACE` / `OR IGNORE` become `ON CONFLICT … DO UPDATE` /
 * `DO NOTHING`. Nothing is cached in the process: several processes share one store, and what one
 * wrote (a nonce above all) must count for the others at once. The replay check is one
 * `INSERT … ON CONFLICT DO NOTHING` on the nonce's primary key: of two processes offering the same
 * nonce, the second waits for the first's row and inserts nothing, so exactly one accepts it.
 */
import { randomBytes } from 'node:crypto';
import type { Statement, SyncPg } from '@intersoc/storage/postgres';
import type { SharingGroup, SharingTerms } from '../policy/terms.js';
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

/** Ledger rows per INSERT: one JSON parameter each, well below PostgreSQL's limits. */
const LEDGER_CHUNK = 5000;

/** The federation journal in the PostgreSQL store. */
export class PgJournal implements FederationJournal {
  readonly #pg: SyncPg;
  readonly #now: () => number;

  /** `pg` must point at a store migrated by `migratePg` (`intersoc db migrate`). */
  constructor(pg: SyncPg, now: () => number = Date.now) {
    this.#pg = pg;
    this.#now = now;
  }

  // community keys --------------------------------------------------------------------------

  setCommunityKey(name: string, keyHex?: string): string {
    const key = communityKeyOf(keyHex, () => randomBytes(32).toString('hex'));
    this.#pg.run(
      `INSERT INTO fed_communities (name, key, added) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET key = excluded.key, added = excluded.added`,
      [name, key, this.#now()],
    );
    return key;
  }

  communityKey(name: string): Buffer | undefined {
    const [r] = this.#pg.query<{ key: string }>('SELECT key FROM fed_communities WHERE name = $1', [name]);
    return r ? Buffer.from(r.key, 'hex') : undefined;
  }

  communities(): string[] {
    return this.#pg.query<{ name: string }>('SELECT name FROM fed_communities ORDER BY name').map((r) => r.name);
  }

  // sharing groups --------------------------------------------------------------------------

  setGroup(g: SharingGroup): void {
    this.#pg.run(
      `INSERT INTO fed_groups (name, members, changed) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET members = excluded.members, changed = excluded.changed`,
      [g.name, membersJson(g), this.#now()],
    );
  }

  group(name: string): SharingGroup | undefined {
    const [r] = this.#pg.query<{ members: string }>('SELECT members FROM fed_groups WHERE name = $1', [name]);
    return r ? { name, members: JSON.parse(r.members) as string[] } : undefined;
  }

  groups(): SharingGroup[] {
    return this.#pg
      .query<{ name: string; members: string }>('SELECT name, members FROM fed_groups ORDER BY name')
      .map((r) => ({ name: r.name, members: JSON.parse(r.members) as string[] }));
  }

  removeGroup(name: string): boolean {
    return this.#pg.run('DELETE FROM fed_groups WHERE name = $1', [name]) > 0;
  }

  // ledger -------------------------------------------------------------------------------------

  ledgerAdd(
    run: string,
    terms: SharingTerms,
    explicit: boolean,
    entries: readonly { tenant: string; id: string; version: string }[],
  ): void {
    // The rows travel as one JSON text (`::text` first: a parameter typed json would be encoded
    // again by the driver). One row per key (the last wins, as with SQLite's INSERT OR REPLACE run row by row): one
    // INSERT … ON CONFLICT DO UPDATE may not touch a row twice.
    const rows = new Map<string, [string, string, string]>();
    for (const e of entries) rows.set(JSON.stringify([e.tenant, e.id, e.version]), [e.tenant, e.id, e.version]);
    const all = [...rows.values()];
    const st: Statement[] = [
      {
        text: `INSERT INTO fed_runs (run, terms, explicit, time) VALUES ($1, $2, $3, $4) ON CONFLICT (run) DO NOTHING`,
        params: [run, JSON.stringify(terms), explicit ? 1 : 0, this.#now()],
      },
    ];
    for (let i = 0; i < all.length; i += LEDGER_CHUNK)
      st.push({
        text: `INSERT INTO fed_ledger (tenant, id, version, run)
               SELECT e->>0, e->>1, e->>2, $2 FROM json_array_elements($1::text::json) AS e
               ON CONFLICT (tenant, id, version) DO UPDATE SET run = excluded.run`,
        params: [JSON.stringify(all.slice(i, i + LEDGER_CHUNK)), run],
      });
    this.#pg.transaction(() => this.#pg.batch(st));
  }

  ledger(tenant: string): LedgerEntry[] {
    // SQLite orders by time only; ties get a fixed order here (run, then object).
    const rows = this.#pg.query<LedgerRow>(
      `SELECT l.id, l.version, r.terms FROM fed_ledger l JOIN fed_runs r ON r.run = l.run
       WHERE l.tenant = $1 AND r.explicit = 0 ORDER BY r.time, l.run, l.id, l.version`,
      [tenant],
    );
    return toLedgerEntries(tenant, rows);
  }

  isShared(tenant: string, id: string): boolean {
    return this.#pg.query('SELECT 1 FROM fed_ledger WHERE tenant = $1 AND id = $2 LIMIT 1', [tenant, id]).length > 0;
  }

  // decisions ----------------------------------------------------------------------------------

  recordDecisionGroups(run: string, groups: readonly DecisionGroup[]): void {
    if (groups.length === 0) return;
    const t = this.#now();
    const st = groups.map((g): Statement => ({
      text: `INSERT INTO fed_decisions (time, run, tenant, peer, allowed, reason, tlp, distribution, hops, count, objects)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      params: [t, run, ...decisionGroupParams(g)],
    }));
    this.#pg.transaction(() => this.#pg.batch(st));
  }

  decisions(q: DecisionQuery = {}): DecisionRecord[] {
    const limit = q.limit ?? 100;
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (q.peer) {
      params.push(q.peer);
      where.push(`peer = $${params.length}`);
    }
    if (q.objectId) {
      // ILIKE: SQLite's LIKE ignores ASCII case; the mapper keeps exact matches only either way.
      params.push(objectPattern(q.objectId));
      where.push(`objects ILIKE $${params.length}`);
    }
    params.push(limit);
    const rows = this.#pg.query<DecisionRow>(
      `SELECT * FROM fed_decisions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${params.length}`,
      params,
    );
    return toDecisions(rows, limit, q.objectId);
  }

  // cursors ------------------------------------------------------------------------------------

  cursor(peer: string, kind: string): string | undefined {
    const [r] = this.#pg.query<{ value: string }>('SELECT value FROM fed_cursors WHERE peer = $1 AND kind = $2', [
      peer,
      kind,
    ]);
    return r?.value;
  }

  setCursor(peer: string, kind: string, value: string): void {
    this.#pg.run(
      `INSERT INTO fed_cursors (peer, kind, value) VALUES ($1, $2, $3)
       ON CONFLICT (peer, kind) DO UPDATE SET value = excluded.value`,
      [peer, kind, value],
    );
  }

  // nonces -------------------------------------------------------------------------------------

  useNonce(peer: string, nonce: string, expires: number): boolean {
    return (
      this.#pg.run(
        'INSERT INTO fed_nonces (peer, nonce, expires) VALUES ($1, $2, $3) ON CONFLICT (peer, nonce) DO NOTHING',
        [peer, nonce, expires],
      ) > 0
    );
  }

  pruneNonces(): number {
    return this.#pg.run('DELETE FROM fed_nonces WHERE expires < $1', [this.#now()]);
  }

  // rejections and exchanges -------------------------------------------------------------------

  reject(peer: string, objectId: string, code: string, reason: string): void {
    this.#pg.run('INSERT INTO fed_rejections (time, peer, object_id, code, reason) VALUES ($1, $2, $3, $4, $5)', [
      this.#now(),
      peer,
      ...rejectionParams(objectId, code, reason),
    ]);
  }

  rejections(limit = 100): RejectionRecord[] {
    return this.#pg
      .query<RejectionRow>('SELECT * FROM fed_rejections ORDER BY seq DESC LIMIT $1', [limit])
      .map(toRejection);
  }

  exchange(e: Omit<Exchange, 'time'>): void {
    this.#pg.run(
      'INSERT INTO fed_exchanges (time, peer, direction, mode, objects, rejected) VALUES ($1, $2, $3, $4, $5, $6)',
      [this.#now(), e.peer, e.direction, e.mode, e.objects, e.rejected],
    );
  }

  exchanges(limit = 100): Exchange[] {
    // SELECT * as on SQLite: the records carry `seq` there too.
    return this.#pg.query<Exchange>('SELECT * FROM fed_exchanges ORDER BY seq DESC LIMIT $1', [limit]);
  }
}
