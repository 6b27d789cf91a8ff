/**
 * @module
 * SQLite audit log: append-only and hash-chained, one chain per tenant so that a tenant's admin
 * can verify their own chain without reading anyone else's entries. Each entry's hash covers
 * the previous hash and a canonical JSON of the entry, so editing, removing or reordering any
 * entry breaks every later link; signed checkpoints (`audit-checkpoints.ts`) catch a chain that
 * was shortened or recomputed as a whole.
 */
import type { AuthContext } from '@intersoc/core';
import type { Statement } from 'better-sqlite3';
import type { SqliteDb } from '../sqlite/database.js';
import { checkpointsOf, writeCheckpoints } from './audit-checkpoints.js';
import type { AuditKeyRing } from './audit-checkpoints.js';
import { AUDIT_GENESIS_HASH, chainInto, chainRow, toEntry, verifyChain } from './internal/audit-chain.js';
import { AUDIT_COLUMNS, auditListPlan, auditPage, auditRowValues } from './internal/audit-store.js';
import type { AuditListQuery } from './internal/audit-store.js';
import type { AuditRow } from './internal/audit-chain.js';
import type { AuditEntry, AuditInput, AuditPage, AuditStore, AuditVerification } from './types.js';

export { AUDIT_GENESIS_HASH, auditEntryHash } from './internal/audit-chain.js';

/** Rows per multi-row INSERT of a batch. */
const AUDIT_CHUNK = 32;

/** The audit log in the node database. */
export class SqliteAuditStore implements AuditStore {
  readonly #db: SqliteDb;
  readonly #keys: AuditKeyRing | undefined;

  /** `keys` signs and checks checkpoints; without it `checkpoint()` signs nothing. */
  constructor(db: SqliteDb, keys?: AuditKeyRing) {
    this.#db = db;
    this.#keys = keys;
  }

  async checkpoint(): Promise<number> {
    return this.#keys ? writeCheckpoints(this.#db, this.#keys) : 0;
  }

  async append(input: AuditInput): Promise<AuditEntry> {
    return this.appendSync(input);
  }

  /**
   * Appends synchronously. Inside a caller's transaction on the same database it joins that
   * transaction (as a savepoint), so a domain's state change and its audit entry commit together.
   */
  appendSync(input: AuditInput): AuditEntry {
    // IMMEDIATE takes the write lock before reading the chain head, so two processes (the
    // server and the CLI) cannot both extend the same head. Statements and the transaction are
    // prepared once: a busy domain (playbook runs) appends thousands of entries a second.
    this.#append ??= this.#db.transaction((i: AuditInput): AuditEntry => this.#appendNow(i));
    return this.#append.immediate(input) as AuditEntry;
  }

  #append: ReturnType<SqliteDb['transaction']> | undefined;
  #head: Statement<[string]> | undefined;
  #insert: Statement<unknown[]> | undefined;

  #appendNow(input: AuditInput): AuditEntry {
    this.#head ??= this.#db.prepare('SELECT seq, hash FROM audit_log WHERE tenant = ? ORDER BY seq DESC LIMIT 1');
    this.#insert ??= this.#db.prepare(
      `INSERT INTO audit_log (tenant, seq, time, actor, actor_tenant, action, target, outcome, status, request_id,
         details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const last = this.#head.get(input.tenant) as { seq: number; hash: string } | undefined;
    const row = chainRow(input, last ?? { seq: 0, hash: AUDIT_GENESIS_HASH });
    this.#insert.run(auditRowValues(row));
    return toEntry(row);
  }

  /**
   * Appends `inputs` in order, inside the caller's write transaction on this database (outside
   * one it opens its own IMMEDIATE transaction). The caller's transaction holds the write lock,
   * so each tenant's chain head is read once and the entries are chained in memory: one INSERT
   * per entry and no savepoint each, for domains that commit many entries with their state
   * (playbook runs). The entries are the same, byte for byte, as `appendSync` one by one.
   */
  appendBatchSync(inputs: readonly AuditInput[]): void {
    if (inputs.length === 0) return;
    if (!this.#db.inTransaction) {
      this.#batch ??= this.#db.transaction((i: readonly AuditInput[]) => this.#appendBatchNow(i));
      this.#batch.immediate(inputs);
      return;
    }
    this.#appendBatchNow(inputs);
  }

  #batch: ReturnType<SqliteDb['transaction']> | undefined;
  #insertMany: Statement<unknown[]> | undefined;

  #appendBatchNow(inputs: readonly AuditInput[]): void {
    this.#head ??= this.#db.prepare('SELECT seq, hash FROM audit_log WHERE tenant = ? ORDER BY seq DESC LIMIT 1');
    this.#insert ??= this.#db.prepare(
      `INSERT INTO audit_log (tenant, seq, time, actor, actor_tenant, action, target, outcome, status, request_id,
         details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // Rows go in by chunks, one statement each: one call into SQLite per chunk, not per entry.
    this.#insertMany ??= this.#db.prepare(
      `INSERT INTO audit_log (tenant, seq, time, actor, actor_tenant, action, target, outcome, status, request_id,
         details, prev_hash, hash) VALUES ${Array(AUDIT_CHUNK).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    );
    // Each tenant's head, moved on in place as its entries are chained.
    const heads = new Map<string, { seq: number; hash: string }>();
    // Values go straight into the chunk being filled (no row objects, value arrays or heads made
    // per entry): a domain that commits its state with its entries (playbook runs) appends one
    // per step.
    const width = AUDIT_CHUNK * AUDIT_COLUMNS;
    let chunk: unknown[] = [];
    for (const input of inputs) {
      let head = heads.get(input.tenant);
      if (head === undefined) {
        const last = this.#head.get(input.tenant) as { seq: number; hash: string } | undefined;
        head = { seq: last?.seq ?? 0, hash: last?.hash ?? AUDIT_GENESIS_HASH };
        heads.set(input.tenant, head);
      }
      chainInto(chunk, input, head);
      if (chunk.length === width) {
        this.#insertMany.run(chunk);
        chunk = [];
      }
    }
    for (let i = 0; i < chunk.length; i += AUDIT_COLUMNS) this.#insert.run(chunk.slice(i, i + AUDIT_COLUMNS));
  }

  async list(ctx: AuthContext, query: AuditListQuery = {}): Promise<AuditPage> {
    const { limit, filters } = auditListPlan(query);
    const where = ['tenant = ?', ...filters.map((f) => `${f.clause} ?`)];
    const args: (string | number)[] = [ctx.tenant, ...filters.map((f) => f.value)];
    const rows = this.#db
      .prepare(`SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`)
      .all(...args, limit + 1) as AuditRow[];
    return auditPage(rows, limit);
  }

  async verify(ctx: AuthContext): Promise<AuditVerification> {
    const rows = this.#db.prepare('SELECT * FROM audit_log WHERE tenant = ? ORDER BY seq').iterate(ctx.tenant);
    return verifyChain(ctx.tenant, rows as Iterable<AuditRow>, checkpointsOf(this.#db, ctx.tenant), this.#keys);
  }
}
