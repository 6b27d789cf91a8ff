/**
 * @module
 * SQLite audit log: append-only and hash-chained, one chain per tenant so that a tenant's admin
 * can verify their own chain without reading anyone else's entries. Each entry's hash covers
 * the previous hash and a canonical JSON of the entry, so editing, removing or reordering any
 * entry breaks every later link; signed checkpoints (`audit-checkpoints.ts`) catch a chain that
 * was shortened or recomputed as a whole.
 */
import { createHash, hash } from 'node:crypto';
import type { AuthContext } from '@intersoc/core';
import type { Statement } from 'better-sqlite3';
import type { SqliteDb } from '../sqlite/database.js';
import { checkCheckpoints, checkpointsOf, writeCheckpoints } from './audit-checkpoints.js';
import type { AuditKeyRing } from './audit-checkpoints.js';
import { canonicalJson } from './internal/canonical-json.js';
import type {
  AuditEntry,
  AuditInput,
  AuditOutcome,
  AuditPage,
  AuditStore,
  AuditVerification,
  JsonValue,
} from './types.js';

/** `prevHash` of the first entry of every chain. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

interface AuditRow {
  tenant: string;
  seq: number;
  time: number;
  actor: string;
  actor_tenant: string;
  action: string;
  target: string | null;
  outcome: AuditOutcome;
  status: number | null;
  request_id: string | null;
  details: string | null;
  prev_hash: string;
  hash: string;
}

/** Keys whose values never enter the log, whatever a caller passes: defence in depth. */
const SECRET_KEY = /pass(word|phrase)?|secret|authorization|cookie|^token$|credential/i;

function scrub(value: JsonValue): JsonValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return (value as readonly JsonValue[]).map(scrub);
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(value as Record<string, JsonValue>)) {
    // Only text can hold a secret; a flag such as `passwordChanged: true` stays readable.
    out[k] = SECRET_KEY.test(k) && typeof v === 'string' ? '[redacted]' : scrub(v);
  }
  return out;
}

/** Detail keys repeat (a busy domain writes the same few thousands of times): their verdicts are kept. */
const secretKeys = new Map<string, boolean>();

function secretKey(k: string): boolean {
  let v = secretKeys.get(k);
  if (v === undefined) {
    v = SECRET_KEY.test(k);
    if (secretKeys.size < 4096) secretKeys.set(k, v);
  }
  return v;
}

/** `canonicalJson(scrub(value))` in one walk (no scrubbed copy is built). */
function scrubbedCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v: unknown) => (v === undefined ? 'null' : scrubbedCanonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = obj[k];
    if (i > 0) out += ',';
    out += `${JSON.stringify(k)}:${typeof v === 'string' && secretKey(k) ? '"[redacted]"' : scrubbedCanonicalJson(v)}`;
  }
  return `${out}}`;
}

/** The hash of an entry: SHA-256 over the previous hash, a newline and the entry's canonical JSON. */
export function auditEntryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const { prevHash, ...body } = entry;
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(body)).digest('hex');
}

/**
 * The same hash as `auditEntryHash` for an entry built here (exactly the fields of `AuditEntry`,
 * none undefined), with its details already in canonical JSON: the body's canonical JSON is
 * written out field by field in sorted key order instead of walked generically, and the details
 * are serialised once for both the hash and the stored column. A test holds the two equal.
 */
function builtEntryHash(e: Omit<AuditEntry, 'hash' | 'details'>, detailsJson: string): string {
  const j = JSON.stringify;
  const body =
    `{"action":${j(e.action)},"actor":${j(e.actor)},"actorTenant":${j(e.actorTenant)},"details":${detailsJson},` +
    `"outcome":${j(e.outcome)},"requestId":${j(e.requestId)},"seq":${j(e.seq)},"status":${j(e.status)},` +
    `"target":${j(e.target)},"tenant":${j(e.tenant)},"time":${j(e.time)}}`;
  return hash('sha256', `${e.prevHash}\n${body}`);
}

function toEntry(r: AuditRow): AuditEntry {
  return {
    tenant: r.tenant,
    seq: r.seq,
    time: r.time,
    actor: r.actor,
    actorTenant: r.actor_tenant,
    action: r.action,
    target: r.target,
    outcome: r.outcome,
    status: r.status,
    requestId: r.request_id,
    details: r.details === null ? null : (JSON.parse(r.details) as Record<string, JsonValue>),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** Columns of an audit row, and rows per multi-row INSERT of a batch. */
const AUDIT_COLUMNS = 13;
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
    const details = input.details === undefined ? null : (scrub(input.details) as Record<string, JsonValue>);
    this.#head ??= this.#db.prepare('SELECT seq, hash FROM audit_log WHERE tenant = ? ORDER BY seq DESC LIMIT 1');
    this.#insert ??= this.#db.prepare(
      `INSERT INTO audit_log (tenant, seq, time, actor, actor_tenant, action, target, outcome, status, request_id,
         details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const last = this.#head.get(input.tenant) as { seq: number; hash: string } | undefined;
    const unhashed: Omit<AuditEntry, 'hash'> = {
      tenant: input.tenant,
      seq: (last?.seq ?? 0) + 1,
      time: input.time ?? Date.now(),
      actor: input.actor,
      actorTenant: input.actorTenant,
      action: input.action,
      target: input.target ?? null,
      outcome: input.outcome,
      status: input.status ?? null,
      requestId: input.requestId ?? null,
      details,
      prevHash: last?.hash ?? AUDIT_GENESIS_HASH,
    };
    const detailsJson = details === null ? 'null' : canonicalJson(details);
    const entry: AuditEntry = { ...unhashed, hash: builtEntryHash(unhashed, detailsJson) };
    this.#insert.run(
      entry.tenant,
      entry.seq,
      entry.time,
      entry.actor,
      entry.actorTenant,
      entry.action,
      entry.target,
      entry.outcome,
      entry.status,
      entry.requestId,
      details === null ? null : detailsJson,
      entry.prevHash,
      entry.hash,
    );
    return entry;
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
    const rows: unknown[] = [];
    const heads = new Map<string, { seq: number; hash: string }>();
    for (const input of inputs) {
      let head = heads.get(input.tenant);
      if (!head) {
        head = (this.#head.get(input.tenant) as { seq: number; hash: string } | undefined) ?? {
          seq: 0,
          hash: AUDIT_GENESIS_HASH,
        };
      }
      const detailsJson = input.details === undefined ? 'null' : scrubbedCanonicalJson(input.details);
      const e = {
        tenant: input.tenant,
        seq: head.seq + 1,
        time: input.time ?? Date.now(),
        actor: input.actor,
        actorTenant: input.actorTenant,
        action: input.action,
        target: input.target ?? null,
        outcome: input.outcome,
        status: input.status ?? null,
        requestId: input.requestId ?? null,
        prevHash: head.hash,
      };
      const hash = builtEntryHash(e, detailsJson);
      rows.push(
        e.tenant,
        e.seq,
        e.time,
        e.actor,
        e.actorTenant,
        e.action,
        e.target,
        e.outcome,
        e.status,
        e.requestId,
        input.details === undefined ? null : detailsJson,
        e.prevHash,
        hash,
      );
      heads.set(input.tenant, { seq: e.seq, hash });
    }
    const width = AUDIT_CHUNK * AUDIT_COLUMNS;
    let i = 0;
    for (; i + width <= rows.length; i += width) this.#insertMany.run(rows.slice(i, i + width));
    for (; i < rows.length; i += AUDIT_COLUMNS) this.#insert.run(rows.slice(i, i + AUDIT_COLUMNS));
  }

  async list(
    ctx: AuthContext,
    query: {
      readonly limit?: number;
      readonly before?: number;
      readonly action?: string;
      readonly actor?: string;
    } = {},
  ): Promise<AuditPage> {
    const limit = Math.min(Math.max(Math.trunc(query.limit ?? 100), 1), 1000);
    const where = ['tenant = ?'];
    const args: (string | number)[] = [ctx.tenant];
    if (query.before !== undefined) {
      where.push('seq < ?');
      args.push(query.before);
    }
    if (query.action !== undefined) {
      where.push('action = ?');
      args.push(query.action);
    }
    if (query.actor !== undefined) {
      where.push('actor = ?');
      args.push(query.actor);
    }
    const rows = this.#db
      .prepare(`SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`)
      .all(...args, limit + 1) as AuditRow[];
    const items = rows.slice(0, limit).map(toEntry);
    const last = items[items.length - 1];
    return rows.length > limit && last ? { items, nextBefore: last.seq } : { items };
  }

  async verify(ctx: AuthContext): Promise<AuditVerification> {
    let prev = AUDIT_GENESIS_HASH;
    let expectedSeq = 1;
    let entries = 0;
    const broken = (seq: number, reason: string): AuditVerification => ({
      tenant: ctx.tenant,
      ok: false,
      entries,
      head: prev,
      brokenAt: seq,
      reason,
    });
    const checkpoints = checkpointsOf(this.#db, ctx.tenant);
    const signedSeqs = new Set(checkpoints.map((c) => c.seq));
    const hashes = new Map<number, string>();
    const rows = this.#db.prepare('SELECT * FROM audit_log WHERE tenant = ? ORDER BY seq').iterate(ctx.tenant);
    for (const row of rows as Iterable<AuditRow>) {
      let entry: AuditEntry;
      try {
        entry = toEntry(row);
      } catch {
        return broken(row.seq, 'entry details are not valid JSON');
      }
      if (entry.seq !== expectedSeq) return broken(expectedSeq, `entry ${expectedSeq} is missing`);
      if (entry.prevHash !== prev) return broken(entry.seq, 'previous-hash link does not match');
      const { hash, ...unhashed } = entry;
      if (auditEntryHash(unhashed) !== hash) return broken(entry.seq, 'entry content does not match its hash');
      if (signedSeqs.has(entry.seq)) hashes.set(entry.seq, hash);
      prev = hash;
      expectedSeq += 1;
      entries += 1;
    }
    // A chain can be consistent and still be shortened or recomputed: the signed checkpoints tell.
    const found = checkCheckpoints(checkpoints, this.#keys, (seq) => hashes.get(seq), entries);
    const anchors = {
      checkpoints: found.count,
      ...(found.latest ? { latestCheckpoint: found.latest } : {}),
      unanchored: entries - (found.latest?.seq ?? 0),
    };
    if (found.problem) return { ...broken(found.problem.seq, found.problem.reason), ...anchors };
    return { tenant: ctx.tenant, ok: true, entries, head: prev, ...anchors };
  }
}
