/**
 * @module
 * What peers reported, and what follows for detection. Each received object is recorded once per
 * (originator, sender); reports of the same indicator value are fused across originators, each
 * weighted by the trust of whoever vouches for it (the originator when it is a peer, else the
 * relay that delivered it, discounted); an analyst's review overrides the quarantine decision.
 * `readIntelState` is what the pipeline's indicator detector consults when it is (re)built.
 */
import type { SqliteDb } from '@intersoc/storage';
import {
  DEFAULT_QUARANTINE,
  fuseReports,
  trustScore,
  type QuarantinePolicy,
  type Reliability,
} from '../trust/trust.js';
import { stmt } from '../internal/sql.js';

/** Trust discount for an originator that is not a peer, vouched for by the relay only. */
export const RELAY_DISCOUNT = 0.8;

/** One report. */
export interface ReportInput {
  readonly tenant: string;
  readonly objectId: string;
  readonly version: string;
  readonly origin: string;
  readonly sender: string;
  readonly confidence: number | undefined;
  readonly hops: number;
  /** Fusion key: `kind:value` for single-value indicators, else `id:<object id>`. */
  readonly valueKey: string;
}

/** Detection state of a received object. */
export interface IntelState {
  /** Fused, trust-weighted confidence 0–100. */
  readonly confidence: number;
  readonly quarantined: boolean;
  readonly reports: number;
  /** The analyst's decision, when there is one. */
  readonly review?: 'released' | 'rejected';
}

/** Records reports (idempotent). */
export function recordReports(db: SqliteDb, reports: readonly ReportInput[], now = Date.now()): void {
  const st = stmt(
    db,
    `INSERT OR IGNORE INTO fed_reports (tenant, object_id, version, origin, sender, confidence, hops, value_key, received)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const r of reports)
      st.run(r.tenant, r.objectId, r.version, r.origin, r.sender, r.confidence ?? null, r.hops, r.valueKey, now);
  })();
}

/** Records an analyst's review of a quarantined object. */
export function reviewIntel(
  db: SqliteDb,
  tenant: string,
  objectId: string,
  decision: 'released' | 'rejected',
  by: string,
  now = Date.now(),
): void {
  stmt(db, 'INSERT OR REPLACE INTO fed_review (tenant, object_id, decision, by, time) VALUES (?, ?, ?, ?, ?)').run(
    tenant,
    objectId,
    decision,
    by,
    now,
  );
}

/** The columns of `fed_reports` the fusion reads. */
export interface ReportRow {
  object_id: string;
  origin: string;
  sender: string;
  confidence: number | null;
  value_key: string;
}

/**
 * The state of every object the tenant received from peers, by object id. Objects that never
 * came from a peer are absent: their own confidence stands.
 */
export function readIntelState(
  db: SqliteDb,
  tenant: string,
  policy: QuarantinePolicy = DEFAULT_QUARANTINE,
  /** Only these fusion keys (e.g. of objects just received). */
  keys?: readonly string[],
): Map<string, IntelState> {
  const peers = stmt(
    db,
    'SELECT node_id, reliability, confirmations, false_positives, status FROM fed_peers',
  ).all() as PeerTrustRow[];
  let rows: ReportRow[];
  if (keys === undefined) {
    rows = stmt(db, 'SELECT object_id, origin, sender, confidence, value_key FROM fed_reports WHERE tenant = ?').all(
      tenant,
    ) as ReportRow[];
  } else {
    rows = [];
    const unique = [...new Set(keys)];
    for (let i = 0; i < unique.length; i += 500) {
      const chunk = unique.slice(i, i + 500);
      rows.push(
        ...(stmt(
          db,
          `SELECT object_id, origin, sender, confidence, value_key FROM fed_reports WHERE tenant = ? AND value_key IN (${chunk.map(() => '?').join(',')})`,
        ).all(tenant, ...chunk) as ReportRow[]),
      );
    }
  }
  const reviews = stmt(db, 'SELECT object_id, decision FROM fed_review WHERE tenant = ?').all(tenant) as ReviewRow[];
  return fuseIntelState(peers, rows, reviews, policy);
}

/** The columns of `fed_peers` trust is computed from. */
export interface PeerTrustRow {
  node_id: string;
  reliability: string;
  confirmations: number;
  false_positives: number;
  status: string;
}

/** A row of `fed_review`, as the fusion reads it. */
export interface ReviewRow {
  object_id: string;
  decision: 'released' | 'rejected';
}

/** The state of each reported object, from the rows both stores read (the same logic on both). */
export function fuseIntelState(
  peers: readonly PeerTrustRow[],
  rows: readonly ReportRow[],
  reviewRows: readonly ReviewRow[],
  policy: QuarantinePolicy,
): Map<string, IntelState> {
  const trust = new Map<string, number>();
  for (const p of peers) {
    const t = trustScore(p.reliability as Reliability, {
      confirmations: p.confirmations,
      falsePositives: p.false_positives,
    });
    trust.set(p.node_id, p.status === 'active' ? t : 0);
  }
  const weight = (r: ReportRow): number => trust.get(r.origin) ?? (trust.get(r.sender) ?? 0) * RELAY_DISCOUNT;
  // Per fusion key, one report per originator (the best-vouched copy).
  const byKey = new Map<string, Map<string, { confidence: number | undefined; trust: number }>>();
  const keyOf = new Map<string, string>();
  for (const r of rows) {
    keyOf.set(r.object_id, r.value_key);
    let origins = byKey.get(r.value_key);
    if (!origins) byKey.set(r.value_key, (origins = new Map()));
    const w = weight(r);
    const prev = origins.get(r.origin);
    if (!prev || w > prev.trust) origins.set(r.origin, { confidence: r.confidence ?? undefined, trust: w });
  }
  const fused = new Map<string, IntelState>();
  for (const [key, origins] of byKey) fused.set(key, fuseReports([...origins.values()], policy));
  const reviews = new Map(reviewRows.map((r) => [r.object_id, r.decision]));
  const out = new Map<string, IntelState>();
  for (const [id, key] of keyOf) {
    const s = fused.get(key) as IntelState;
    const review = reviews.get(id);
    out.set(id, review === undefined ? s : { ...s, review, quarantined: review === 'rejected' });
  }
  return out;
}

/** Who reported an object: its originator and the peers that delivered it. */
export function reportersOf(db: SqliteDb, tenant: string, objectId: string): { origin: string; sender: string }[] {
  return stmt(db, 'SELECT DISTINCT origin, sender FROM fed_reports WHERE tenant = ? AND object_id = ?').all(
    tenant,
    objectId,
  ) as { origin: string; sender: string }[];
}
