/**
 * @module
 * Signed checkpoints of the audit chains, kept apart from the chain in `audit_checkpoints`. A hash
 * chain alone shows edits, but not an attacker who deletes the newest entries or rewrites the
 * log and recomputes every hash: the result is a valid chain. A checkpoint signs a tenant's chain
 * head (sequence number and hash) with the node key, as CloudTrail's digest files sign its log
 * files; verification then fails when a signed head is missing or has another hash. Each
 * checkpoint also names its predecessor, so dropping one from the middle shows too. What no
 * local scheme can show is the removal of entries *after* the newest checkpoint together with
 * the newest checkpoints themselves: checkpoints are frequent, and the verification reports the
 * newest one so an operator can compare it with a copy kept elsewhere.
 */
import { createHash } from 'node:crypto';
import type { SqliteDb } from '../sqlite/database.js';

/**
 * Signs checkpoints and checks signatures. The node builds it from its key (the federation
 * identity, or a local audit key) and the public keys it has used, so old checkpoints still verify
 * after a key change.
 */
export interface AuditKeyRing {
  /** Signs with the current key. */
  sign(data: Buffer): { readonly keyId: string; readonly signature: string };
  /** True when `signature` is a valid signature of `data` by the trusted key `keyId`. */
  verify(keyId: string, data: Buffer, signature: string): boolean;
}

/** A signed statement that `tenant`'s chain had `seq` entries ending in `head`. */
export interface AuditCheckpoint {
  readonly tenant: string;
  readonly seq: number;
  readonly head: string;
  readonly time: number;
  /** SHA-256 of the previous checkpoint's signature (empty for the first). */
  readonly prev: string;
  readonly keyId: string;
  readonly signature: string;
}

/** Migration step that creates the table (appended to the `auth` set). */
export const AUDIT_CHECKPOINTS_MIGRATION = `
  CREATE TABLE audit_checkpoints (
    tenant TEXT NOT NULL,
    seq INTEGER NOT NULL,
    head TEXT NOT NULL,
    time INTEGER NOT NULL,
    prev TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signature TEXT NOT NULL,
    PRIMARY KEY (tenant, seq)
  ) WITHOUT ROWID;
  CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
  CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
`;

/** The bytes a checkpoint's signature covers. */
export function checkpointPayload(c: Omit<AuditCheckpoint, 'keyId' | 'signature'>): Buffer {
  return Buffer.from(`intersoc-audit-checkpoint/1\n${c.tenant}\n${c.seq}\n${c.head}\n${c.time}\n${c.prev}`, 'utf8');
}

/** SHA-256 of a signature: how a checkpoint names its predecessor. */
export function sigDigest(signature: string): string {
  return createHash('sha256').update(signature).digest('hex');
}

/**
 * The checkpoint of a chain head `m` (its tenant, seq and hash) signed at `now`, chained to the
 * tenant's previous checkpoint by the digest of its signature `csig` (null for the first).
 * Both stores sign this way; each writes the result with its own SQL.
 */
export function signCheckpoint(
  keys: AuditKeyRing,
  m: { tenant: string; seq: number; hash: string; csig: string | null },
  now: number,
): AuditCheckpoint {
  const body = {
    tenant: m.tenant,
    seq: m.seq,
    head: m.hash,
    time: now,
    prev: m.csig === null ? '' : sigDigest(m.csig),
  };
  const { keyId, signature } = keys.sign(checkpointPayload(body));
  return { ...body, keyId, signature };
}

/** Checkpoints of one tenant, oldest first. */
export function checkpointsOf(db: SqliteDb, tenant: string): AuditCheckpoint[] {
  const rows = db
    .prepare('SELECT * FROM audit_checkpoints WHERE tenant = ? ORDER BY seq')
    .all(tenant) as CheckpointRow[];
  return rows.map(toCheckpoint);
}

/** Signs the head of every chain that grew since its last checkpoint; returns how many were signed. */
export function writeCheckpoints(db: SqliteDb, keys: AuditKeyRing, now = Date.now()): number {
  const write = db.transaction((): number => {
    const moved = db
      .prepare(
        `SELECT l.tenant, l.seq, l.hash, c.seq AS cseq, c.signature AS csig
         FROM audit_log l
         JOIN (SELECT tenant, max(seq) AS seq FROM audit_log GROUP BY tenant) h ON h.tenant = l.tenant AND h.seq = l.seq
         LEFT JOIN (SELECT tenant, max(seq) AS seq FROM audit_checkpoints GROUP BY tenant) m ON m.tenant = l.tenant
         LEFT JOIN audit_checkpoints c ON c.tenant = m.tenant AND c.seq = m.seq
         WHERE c.seq IS NULL OR c.seq < l.seq`,
      )
      .all() as { tenant: string; seq: number; hash: string; cseq: number | null; csig: string | null }[];
    const insert = db.prepare(
      'INSERT INTO audit_checkpoints (tenant, seq, head, time, prev, key_id, signature) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (const m of moved) {
      const c = signCheckpoint(keys, m, now);
      insert.run(c.tenant, c.seq, c.head, c.time, c.prev, c.keyId, c.signature);
    }
    return moved.length;
  });
  return write.immediate();
}

/** What the checkpoints say about a chain, given the hash of each checkpointed entry as found. */
export interface CheckpointFinding {
  /** A reason when the chain contradicts a checkpoint or a checkpoint is not genuine. */
  readonly problem?: { readonly seq: number; readonly reason: string };
  readonly count: number;
  readonly latest?: { readonly seq: number; readonly time: number; readonly head: string };
}

/**
 * Checks a tenant's checkpoints against its chain: each is signed by a trusted key, names its
 * predecessor, and matches the entry it signed (`hashAt`), which must still exist.
 */
export function checkCheckpoints(
  checkpoints: readonly AuditCheckpoint[],
  keys: AuditKeyRing | undefined,
  hashAt: (seq: number) => string | undefined,
  lastSeq: number,
): CheckpointFinding {
  const latest = checkpoints[checkpoints.length - 1];
  const base = {
    count: checkpoints.length,
    ...(latest ? { latest: { seq: latest.seq, time: latest.time, head: latest.head } } : {}),
  };
  let prev = '';
  for (const c of checkpoints) {
    const fail = (reason: string): CheckpointFinding => ({ ...base, problem: { seq: c.seq, reason } });
    if (!keys) return fail('checkpoints exist but no key ring was given to verify them');
    if (!keys.verify(c.keyId, checkpointPayload(c), c.signature)) {
      return fail(`checkpoint at entry ${c.seq} is not signed by a trusted key`);
    }
    if (c.prev !== prev) return fail(`checkpoint before entry ${c.seq} is missing`);
    prev = sigDigest(c.signature);
    if (c.seq > lastSeq) {
      return fail(`entries after ${lastSeq} were removed: a signed checkpoint covers entry ${c.seq}`);
    }
    if (hashAt(c.seq) !== c.head) return fail(`entry ${c.seq} differs from its signed checkpoint`);
  }
  return base;
}

/** An `audit_checkpoints` row as both stores read it (here, beside `AuditCheckpoint`, so the
 * store helpers in internal/ import this file and not the other way round). */
export interface CheckpointRow {
  tenant: string;
  seq: number;
  head: string;
  time: number;
  prev: string;
  key_id: string;
  signature: string;
}

/** Maps an `audit_checkpoints` row to an `AuditCheckpoint`. */
export function toCheckpoint(r: CheckpointRow): AuditCheckpoint {
  return {
    tenant: r.tenant,
    seq: r.seq,
    head: r.head,
    time: r.time,
    prev: r.prev,
    keyId: r.key_id,
    signature: r.signature,
  };
}
