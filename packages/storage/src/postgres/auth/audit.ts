/**
 * @module
 * PostgreSQL audit log over the synchronous bridge: the same hash chain as SQLite
 * (`auth/internal/audit-chain.ts` builds and checks both), one chain per tenant, extended under
 * a per-tenant transaction-level advisory lock so two processes cannot both extend one head
 * (the primary key would refuse the second anyway). `appendSync` inside a `SyncPg.transaction`
 * of the same bridge joins it, so a domain store on that bridge commits its state and its audit
 * entries together, as on SQLite.
 */
import type { AuthContext } from '@intersoc/core';
import type { AuditCheckpoint, AuditKeyRing } from '../../auth/audit-checkpoints.js';
import { signCheckpoint } from '../../auth/audit-checkpoints.js';
import { AUDIT_GENESIS_HASH, chainRow, toEntry, verifyChain } from '../../auth/internal/audit-chain.js';
import type { AuditRow } from '../../auth/internal/audit-chain.js';
import { AUDIT_COLUMNS, auditListPlan, auditPage, auditRowValues } from '../../auth/internal/audit-store.js';
import type { AuditListQuery } from '../../auth/internal/audit-store.js';
import { toCheckpoint, type CheckpointRow } from '../../auth/audit-checkpoints.js';
import type { AuditEntry, AuditInput, AuditPage, AuditStore, AuditVerification } from '../../auth/types.js';
import type { SqlParam, Statement, SyncPg } from '../sync/bridge.js';

const COLUMNS =
  'tenant, seq, time, actor, actor_tenant, action, target, outcome, status, request_id, details, prev_hash, hash';
/** Rows per multi-row INSERT of a batch (13 parameters each, far below the 65,535 limit). */
const CHUNK = 100;
/** Entries fetched per round trip while verifying. */
const VERIFY_PAGE = 5000;

function insertOf(rows: readonly AuditRow[]): Statement {
  const params: SqlParam[] = [];
  const tuples = rows.map((r, i) => {
    params.push(...auditRowValues(r));
    return `(${Array.from({ length: AUDIT_COLUMNS }, (_, k) => `$${i * AUDIT_COLUMNS + k + 1}`).join(', ')})`;
  });
  return { text: `INSERT INTO audit_log (${COLUMNS}) VALUES ${tuples.join(', ')}`, params };
}

const lockOf = (tenant: string): Statement => ({
  text: "SELECT pg_advisory_xact_lock(hashtext('intersoc.audit'), hashtext($1))",
  params: [tenant],
});
const headOf = (tenant: string): Statement => ({
  text: 'SELECT seq, hash FROM audit_log WHERE tenant = $1 ORDER BY seq DESC LIMIT 1',
  params: [tenant],
});

/** The audit log in the PostgreSQL store. */
export class PgAuditStore implements AuditStore {
  readonly #pg: SyncPg;
  readonly #keys: AuditKeyRing | undefined;

  /** `keys` signs and checks checkpoints; without it `checkpoint()` signs nothing. */
  constructor(pg: SyncPg, keys?: AuditKeyRing) {
    this.#pg = pg;
    this.#keys = keys;
  }

  async append(input: AuditInput): Promise<AuditEntry> {
    return this.appendSync(input);
  }

  /** Appends synchronously; inside a transaction of the same bridge it joins it. */
  appendSync(input: AuditInput): AuditEntry {
    return this.#pg.transaction(() => {
      const [, head] = this.#pg.batch([lockOf(input.tenant), headOf(input.tenant)]);
      const last = head?.rows[0] as { seq: number; hash: string } | undefined;
      const row = chainRow(input, last ?? { seq: 0, hash: AUDIT_GENESIS_HASH });
      this.#pg.batch([insertOf([row])]);
      return toEntry(row);
    });
  }

  /**
   * Appends `inputs` in order in one transaction (the caller's, when one is open on this
   * bridge): each tenant's head is locked and read once, the entries chained in memory, and
   * the rows inserted in one round trip. Byte for byte the entries `appendSync` would write.
   */
  appendBatchSync(inputs: readonly AuditInput[]): void {
    if (inputs.length === 0) return;
    this.#pg.transaction(() => {
      // Locks in a fixed order, so two batches over the same tenants cannot deadlock.
      const tenants = [...new Set(inputs.map((i) => i.tenant))].sort();
      const res = this.#pg.batch(tenants.flatMap((t) => [lockOf(t), headOf(t)]));
      const heads = new Map<string, { seq: number; hash: string }>();
      tenants.forEach((t, i) => {
        const head = res[i * 2 + 1]?.rows[0] as { seq: number; hash: string } | undefined;
        heads.set(t, head ?? { seq: 0, hash: AUDIT_GENESIS_HASH });
      });
      const rows = inputs.map((input) => {
        const row = chainRow(input, heads.get(input.tenant) as { seq: number; hash: string });
        heads.set(input.tenant, { seq: row.seq, hash: row.hash });
        return row;
      });
      const inserts: Statement[] = [];
      for (let i = 0; i < rows.length; i += CHUNK) inserts.push(insertOf(rows.slice(i, i + CHUNK)));
      this.#pg.batch(inserts);
    });
  }

  async list(ctx: AuthContext, query: AuditListQuery = {}): Promise<AuditPage> {
    const { limit, filters } = auditListPlan(query);
    const where = ['tenant = $1'];
    const args: SqlParam[] = [ctx.tenant];
    for (const f of filters) {
      args.push(f.value);
      where.push(`${f.clause} $${args.length}`);
    }
    args.push(limit + 1);
    const rows = this.#pg.query<AuditRow>(
      `SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT $${args.length}`,
      args,
    );
    return auditPage(rows, limit);
  }

  async verify(ctx: AuthContext): Promise<AuditVerification> {
    // Checkpoints first: every entry one of them signed exists before the walk reads it.
    const checkpoints = this.#checkpointsOf(ctx.tenant);
    return verifyChain(ctx.tenant, this.#chain(ctx.tenant), checkpoints, this.#keys);
  }

  /** The tenant's entries in seq order, a page per round trip (the log is append-only, so pages join up). */
  *#chain(tenant: string): Generator<AuditRow> {
    let after = Number.MIN_SAFE_INTEGER;
    for (;;) {
      const page = this.#pg.query<AuditRow>(
        'SELECT * FROM audit_log WHERE tenant = $1 AND seq > $2 ORDER BY seq LIMIT $3',
        [tenant, after, VERIFY_PAGE],
      );
      yield* page;
      const last = page[page.length - 1];
      if (!last || page.length < VERIFY_PAGE) return;
      after = last.seq;
    }
  }

  #checkpointsOf(tenant: string): AuditCheckpoint[] {
    const rows = this.#pg.query<CheckpointRow>('SELECT * FROM audit_checkpoints WHERE tenant = $1 ORDER BY seq', [
      tenant,
    ]);
    return rows.map(toCheckpoint);
  }

  async checkpoint(): Promise<number> {
    const keys = this.#keys;
    if (!keys) return 0;
    const now = Date.now();
    return this.#pg.transaction(() => {
      const [, moved] = this.#pg.batch([
        // One signer at a time: two would both sign the same heads and collide on the key.
        { text: "SELECT pg_advisory_xact_lock(hashtext('intersoc.audit'), 0)" },
        {
          text: `SELECT l.tenant, l.seq, l.hash, c.signature AS csig
                 FROM (SELECT tenant, max(seq) AS seq FROM audit_log GROUP BY tenant) h
                 JOIN audit_log l ON l.tenant = h.tenant AND l.seq = h.seq
                 LEFT JOIN (SELECT tenant, max(seq) AS seq FROM audit_checkpoints GROUP BY tenant) m
                   ON m.tenant = h.tenant
                 LEFT JOIN audit_checkpoints c ON c.tenant = m.tenant AND c.seq = m.seq
                 WHERE c.seq IS NULL OR c.seq < l.seq`,
        },
      ]);
      const heads = (moved?.rows ?? []) as { tenant: string; seq: number; hash: string; csig: string | null }[];
      const inserts = heads.map((m): Statement => {
        const c = signCheckpoint(keys, m, now);
        return {
          text: 'INSERT INTO audit_checkpoints (tenant, seq, head, time, prev, key_id, signature) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          params: [c.tenant, c.seq, c.head, c.time, c.prev, c.keyId, c.signature],
        };
      });
      this.#pg.batch(inserts);
      return heads.length;
    });
  }
}
