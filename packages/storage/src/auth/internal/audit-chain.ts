/**
 * @module
 * The audit chain itself, shared by the SQLite and PostgreSQL audit stores so both write the
 * same entries byte for byte and verify them the same way: secret scrubbing, canonical hashing,
 * chaining an input onto a head, and walking a chain against its signed checkpoints. Private to
 * the storage package.
 */
import { createHash, hash } from 'node:crypto';
import { checkCheckpoints } from '../audit-checkpoints.js';
import type { AuditCheckpoint, AuditKeyRing } from '../audit-checkpoints.js';
import type { AuditEntry, AuditInput, AuditOutcome, AuditVerification, JsonValue } from '../types.js';
import { canonicalJson } from './canonical-json.js';

/** `prevHash` of the first entry of every chain. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** An audit row as both stores keep it (same column names). */
export interface AuditRow {
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

/** `value` with the text under secret-looking keys replaced by `[redacted]`. */
export function scrub(value: JsonValue): JsonValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return (value as readonly JsonValue[]).map(scrub);
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(value as Record<string, JsonValue>)) {
    // Only text can hold a secret; a flag such as `passwordChanged: true` stays readable.
    out[k] = SECRET_KEY.test(k) && typeof v === 'string' ? '[redacted]' : scrub(v);
  }
  return out;
}

/**
 * Detail keys repeat (a busy domain writes the same few thousands of times): their JSON and
 * whether they name a secret are kept.
 */
const knownKeys = new Map<string, { readonly json: string; readonly secret: boolean }>();

function keyOf(k: string): { readonly json: string; readonly secret: boolean } {
  let v = knownKeys.get(k);
  if (v === undefined) {
    v = { json: JSON.stringify(k), secret: SECRET_KEY.test(k) };
    if (knownKeys.size < 4096) knownKeys.set(k, v);
  }
  return v;
}

/**
 * `canonicalJson(scrub(value))` in one walk (no scrubbed copy is built). Written with loops and
 * string appends, and keys that arrive sorted (as most producers write them) are not sorted
 * again: the audit chain serialises every entry's details, once per step of a playbook run.
 */
export function scrubbedCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (i > 0) out += ',';
      out += v === undefined ? 'null' : scrubbedCanonicalJson(v);
    }
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  for (let i = 1; i < keys.length; i++) {
    // The same order as Array.prototype.sort's default (UTF-16 code units).
    if ((keys[i - 1] as string) > (keys[i] as string)) {
      keys.sort();
      break;
    }
  }
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    const key = keyOf(k);
    if (!first) out += ',';
    first = false;
    out += key.json;
    out += ':';
    // Only text can hold a secret; a flag such as `passwordChanged: true` stays readable.
    out += typeof v === 'string' && key.secret ? '"[redacted]"' : scrubbedCanonicalJson(v);
  }
  return `${out}}`;
}

/** The hash of an entry: SHA-256 over the previous hash, a newline and the entry's canonical JSON. */
export function auditEntryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const { prevHash, ...body } = entry;
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(body)).digest('hex');
}

/**
 * JSON of the short texts that repeat from entry to entry (tenants, actors, actions, outcomes):
 * kept, like detail keys, so each entry serialises only what is its own.
 */
const knownTexts = new Map<string, string>();

function textJson(s: string): string {
  let v = knownTexts.get(s);
  if (v === undefined) {
    v = JSON.stringify(s);
    if (knownTexts.size < 4096) knownTexts.set(s, v);
  }
  return v;
}

/** A number as JSON writes it (finite ones as String does, the rest as null), without the call. */
function numberJson(v: number | null): string {
  return v !== null && Number.isFinite(v) ? String(v) : 'null';
}

/**
 * The same hash as `auditEntryHash` for an entry built here (exactly the fields of `AuditEntry`,
 * none undefined), with its details already in canonical JSON: the body's canonical JSON is
 * written out field by field in sorted key order instead of walked generically, and the details
 * are serialised once for both the hash and the stored column. A test holds the two equal.
 */
export function builtEntryHash(e: Omit<AuditEntry, 'hash' | 'details'>, detailsJson: string): string {
  return fieldsHash(
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
    detailsJson,
    e.prevHash,
  );
}

function fieldsHash(
  tenant: string,
  seq: number,
  time: number,
  actor: string,
  actorTenant: string,
  action: string,
  target: string | null,
  outcome: string,
  status: number | null,
  requestId: string | null,
  detailsJson: string,
  prevHash: string,
): string {
  // One template (not a body then the previous hash before it): fewer string pieces to join
  // and flatten for the hash, once per entry.
  return hash(
    'sha256',
    `${prevHash}\n{"action":${textJson(action)},"actor":${textJson(actor)},"actorTenant":${textJson(actorTenant)},` +
      `"details":${detailsJson},"outcome":${textJson(outcome)},` +
      `"requestId":${requestId === null ? 'null' : JSON.stringify(requestId)},"seq":${numberJson(seq)},` +
      `"status":${numberJson(status)},"target":${target === null ? 'null' : JSON.stringify(target)},` +
      `"tenant":${textJson(tenant)},"time":${numberJson(time)}}`,
  );
}

/**
 * The row that chains `input` onto `head` (seq and hash of the tenant's last entry), in column
 * order: tenant, seq, time, actor, actor_tenant, action, target, outcome, status, request_id,
 * details, prev_hash, hash.
 */
export function chainRow(input: AuditInput, head: { seq: number; hash: string }): AuditRow {
  const detailsJson = input.details === undefined ? 'null' : scrubbedCanonicalJson(input.details);
  const seq = head.seq + 1;
  const time = input.time ?? Date.now();
  const target = input.target ?? null;
  const status = input.status ?? null;
  const requestId = input.requestId ?? null;
  return {
    tenant: input.tenant,
    seq,
    time,
    actor: input.actor,
    actor_tenant: input.actorTenant,
    action: input.action,
    target,
    outcome: input.outcome,
    status,
    request_id: requestId,
    details: input.details === undefined ? null : detailsJson,
    prev_hash: head.hash,
    hash: fieldsHash(
      input.tenant,
      seq,
      time,
      input.actor,
      input.actorTenant,
      input.action,
      target,
      input.outcome,
      status,
      requestId,
      detailsJson,
      head.hash,
    ),
  };
}

/**
 * Chains `input` onto `head` like `chainRow`, but pushes the row's values (column order) onto
 * `out` and moves `head` on in place: no row object, value array or head made per entry, for
 * stores that insert many entries per statement (a playbook run appends one per step).
 */
export function chainInto(out: unknown[], input: AuditInput, head: { seq: number; hash: string }): void {
  const detailsJson = input.details === undefined ? 'null' : scrubbedCanonicalJson(input.details);
  const seq = head.seq + 1;
  const time = input.time ?? Date.now();
  const target = input.target ?? null;
  const status = input.status ?? null;
  const requestId = input.requestId ?? null;
  const prev = head.hash;
  const h = fieldsHash(
    input.tenant,
    seq,
    time,
    input.actor,
    input.actorTenant,
    input.action,
    target,
    input.outcome,
    status,
    requestId,
    detailsJson,
    prev,
  );
  out.push(
    input.tenant,
    seq,
    time,
    input.actor,
    input.actorTenant,
    input.action,
    target,
    input.outcome,
    status,
    requestId,
    input.details === undefined ? null : detailsJson,
    prev,
    h,
  );
  head.seq = seq;
  head.hash = h;
}

/** A row as an entry (details parsed). */
export function toEntry(r: AuditRow): AuditEntry {
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

/**
 * Walks `tenant`'s chain (`rows` in seq order) and checks it against its signed checkpoints:
 * the first entry that is missing, out of place or does not match its hash, or the first
 * checkpoint the chain contradicts, is reported.
 */
export function verifyChain(
  tenant: string,
  rows: Iterable<AuditRow>,
  checkpoints: readonly AuditCheckpoint[],
  keys: AuditKeyRing | undefined,
): AuditVerification {
  let prev = AUDIT_GENESIS_HASH;
  let expectedSeq = 1;
  let entries = 0;
  const broken = (seq: number, reason: string): AuditVerification => ({
    tenant,
    ok: false,
    entries,
    head: prev,
    brokenAt: seq,
    reason,
  });
  const signedSeqs = new Set(checkpoints.map((c) => c.seq));
  const hashes = new Map<number, string>();
  for (const row of rows) {
    let entry: AuditEntry;
    try {
      entry = toEntry(row);
    } catch {
      return broken(row.seq, 'entry details are not valid JSON');
    }
    if (entry.seq !== expectedSeq) return broken(expectedSeq, `entry ${expectedSeq} is missing`);
    if (entry.prevHash !== prev) return broken(entry.seq, 'previous-hash link does not match');
    const { hash: entryHash, ...unhashed } = entry;
    if (auditEntryHash(unhashed) !== entryHash) return broken(entry.seq, 'entry content does not match its hash');
    if (signedSeqs.has(entry.seq)) hashes.set(entry.seq, entryHash);
    prev = entryHash;
    expectedSeq += 1;
    entries += 1;
  }
  // A chain can be consistent and still be shortened or recomputed: the signed checkpoints tell.
  const found = checkCheckpoints(checkpoints, keys, (seq) => hashes.get(seq), entries);
  const anchors = {
    checkpoints: found.count,
    ...(found.latest ? { latestCheckpoint: found.latest } : {}),
    unanchored: entries - (found.latest?.seq ?? 0),
  };
  if (found.problem) return { ...broken(found.problem.seq, found.problem.reason), ...anchors };
  return { tenant, ok: true, entries, head: prev, ...anchors };
}
