/**
 * @module
 * Aggregates over one tenant's events and alerts for dashboards: alerts by severity per time
 * bucket, top rules, techniques, hosts and users, an event histogram for any query, and the
 * counts of what arrived since a previous look (for live rates). Each function takes the
 * caller's context and reads only its tenant.
 */
import { accountName, AppError, SEVERITIES, shortHostName, type AuthContext, type Severity } from '@intersoc/core';
import { checkQueryCost, type QueryLimits } from '../query/cost.js';
import { columnarPlan } from '../query/columnar.js';
import { compileQuery } from '../query/evaluate.js';
import { parseQuery } from '../query/parse.js';
import type { SqliteDb } from '../sqlite/database.js';
import type { BlockEvent } from './block.js';
import { isColumnField } from './columns.js';
import { eventDoc } from './event-doc.js';
import { BLOCK_META, type BlockMeta, type SqliteEventReader } from './reader.js';

/** A time window cut into equal buckets. */
export interface BucketWindow {
  /** Inclusive start, epoch ms. */
  readonly from: number;
  /** Inclusive end, epoch ms. */
  readonly to: number;
  /** Number of buckets, 1 to 1,000. */
  readonly buckets: number;
}

/** A value and how often it occurs. */
export interface TopEntry {
  readonly key: string;
  /** A human label (rule title), when there is one. */
  readonly label?: string;
  readonly count: number;
}

/** Alert aggregates over a window. */
export interface AlertAggregates {
  readonly from: number;
  readonly bucketMs: number;
  /** Per bucket (oldest first): alert counts by severity. */
  readonly bySeverity: readonly Readonly<Record<Severity, number>>[];
  readonly total: number;
  readonly topRules: readonly TopEntry[];
  readonly topTechniques: readonly TopEntry[];
  readonly topHosts: readonly TopEntry[];
  readonly topUsers: readonly TopEntry[];
}

/** Counts of events matching a query per time bucket. */
export interface EventHistogram {
  readonly from: number;
  readonly bucketMs: number;
  readonly counts: readonly number[];
  readonly total: number;
  /** True when the block budget or the deadline ran out and older buckets may be short. */
  readonly partial: boolean;
  readonly scannedBlocks: number;
  readonly prunedBlocks: number;
}

/** What arrived in the store after a mark (block id, dead-letter id). */
export interface Arrivals {
  readonly events: number;
  readonly deadLetters: number;
  /** Pass back as `after` next time. */
  readonly mark: { readonly block: number; readonly deadLetter: number };
}

const MAX_BUCKETS = 1_000;
/** Blocks decoded per histogram before it answers with `partial`. */
const HISTOGRAM_BLOCK_BUDGET = 4_000;

/** Validates a window and returns its bucket width (at least 1 ms). */
export function bucketWidth(w: BucketWindow): number {
  if (!Number.isFinite(w.from) || !Number.isFinite(w.to) || w.to < w.from) {
    throw new AppError('VALIDATION', 'the time window must have from <= to');
  }
  if (!Number.isInteger(w.buckets) || w.buckets < 1 || w.buckets > MAX_BUCKETS) {
    throw new AppError('VALIDATION', `buckets must be an integer from 1 to ${MAX_BUCKETS}`);
  }
  return Math.max(1, Math.ceil((w.to - w.from + 1) / w.buckets));
}

function emptySeverities(): Record<Severity, number> {
  return { informational: 0, low: 0, medium: 0, high: 0, critical: 0 };
}

/** Alerts by severity over time and the top rules, techniques, hosts and users of a window. */
export function alertAggregates(
  reader: SqliteEventReader,
  ctx: AuthContext,
  w: BucketWindow,
  top = 10,
): AlertAggregates {
  const bucketMs = bucketWidth(w);
  const db = reader.db;
  const bySeverity = Array.from({ length: w.buckets }, emptySeverities);
  let total = 0;
  const sevRows = db
    .prepare(
      `SELECT (time - ?) / ? AS b, severity, COUNT(*) AS n FROM alerts
       WHERE tenant = ? AND time >= ? AND time <= ? GROUP BY b, severity`,
    )
    .all(w.from, bucketMs, ctx.tenant, w.from, w.to) as { b: number; severity: string; n: number }[];
  for (const r of sevRows) {
    const bucket = bySeverity[Math.min(w.buckets - 1, Math.max(0, Math.trunc(r.b)))];
    if (bucket && (SEVERITIES as readonly string[]).includes(r.severity)) {
      bucket[r.severity as Severity] += r.n;
      total += r.n;
    }
  }
  const args = [ctx.tenant, w.from, w.to, top] as const;
  const topRules = (
    db
      .prepare(
        `SELECT rule_id AS key, MAX(json_extract(doc, '$.detector.ruleTitle')) AS label, COUNT(*) AS count
         FROM alerts WHERE tenant = ? AND time >= ? AND time <= ? GROUP BY rule_id ORDER BY count DESC, key LIMIT ?`,
      )
      .all(...args) as { key: string; label: string | null; count: number }[]
  ).map((r) => (r.label === null ? { key: r.key, count: r.count } : { key: r.key, label: r.label, count: r.count }));
  const topTechniques = (
    db
      .prepare(
        `SELECT t.value AS k, COUNT(*) AS n FROM alerts a, json_each(a.doc, '$.techniques') t
         WHERE a.tenant = ? AND a.time >= ? AND a.time <= ? GROUP BY t.value ORDER BY n DESC, k LIMIT ?`,
      )
      .all(...args) as { k: string; n: number }[]
  ).map((r) => ({ key: r.k, count: r.n }));
  // One machine or account under several spellings counts once, under its canonical name.
  registerEntityKey(db);
  const entities = (type: string): TopEntry[] =>
    (
      db
        .prepare(
          `SELECT isoc_entity_key(?, json_extract(e.value, '$.value')) AS k, COUNT(DISTINCT a.id) AS n
           FROM alerts a, json_each(a.doc, '$.entities') e
           WHERE a.tenant = ? AND a.time >= ? AND a.time <= ? AND json_extract(e.value, '$.type') = ?
           GROUP BY k ORDER BY n DESC, k LIMIT ?`,
        )
        .all(type, ctx.tenant, w.from, w.to, type, top) as { k: string; n: number }[]
    ).map((r) => ({ key: r.k, count: r.n }));
  return {
    from: w.from,
    bucketMs,
    bySeverity,
    total,
    topRules,
    topTechniques,
    topHosts: entities('host'),
    topUsers: entities('user'),
  };
}

/** Alert counts per technique over all stored alerts of the tenant (for the ATT&CK matrix). */
export function alertTechniqueCounts(reader: SqliteEventReader, ctx: AuthContext): Map<string, number> {
  const rows = reader.db
    .prepare(
      `SELECT t.value AS k, COUNT(*) AS n FROM alerts a, json_each(a.doc, '$.techniques') t
       WHERE a.tenant = ? GROUP BY t.value`,
    )
    .all(ctx.tenant) as { k: string; n: number }[];
  return new Map(rows.map((r) => [r.k, r.n]));
}

/** Alert counts per rule id over all stored alerts of the tenant (rule hits). */
export function alertRuleCounts(
  reader: SqliteEventReader,
  ctx: AuthContext,
): Map<string, { count: number; last: number }> {
  const rows = reader.db
    .prepare('SELECT rule_id AS key, COUNT(*) AS n, MAX(time) AS last FROM alerts WHERE tenant = ? GROUP BY rule_id')
    .all(ctx.tenant) as { key: string; n: number; last: number }[];
  return new Map(rows.map((r) => [r.key, { count: r.n, last: r.last }]));
}

/**
 * Counts the events matching `q` per bucket of the window. An empty query counts from block
 * metadata and event times only (no record is re-parsed); other queries hydrate and evaluate
 * each event, after skipping blocks the term index rules out.
 */
export function eventHistogram(
  reader: SqliteEventReader,
  ctx: AuthContext,
  req: BucketWindow & {
    readonly q: string;
    /** Refuse the query with `EXPENSIVE_QUERY` when it exceeds these. */
    readonly limits?: QueryLimits;
    /** Epoch ms after which the count stops between blocks and answers `partial`. */
    readonly deadline?: number;
  },
): EventHistogram {
  const bucketMs = bucketWidth(req);
  const tree = parseQuery(req.q);
  if (req.limits) checkQueryCost(tree, req.limits, { from: req.from, to: req.to, now: Date.now() });
  const matchAll = tree.type === 'all';
  const pred = compileQuery(tree);
  const cand = reader.candidates(ctx.tenant, tree);
  // Queries on columned fields only (and the empty query) count from the blocks' columns and
  // time columns: no block is decoded and no record re-parsed.
  const plan = columnarPlan(tree, isColumnField);
  const counts = new Array<number>(req.buckets).fill(0);
  const slot = (t: number): number => Math.min(req.buckets - 1, Math.floor((t - req.from) / bucketMs));
  let total = 0;
  let scannedBlocks = 0;
  let prunedBlocks = 0;
  let partial = false;
  const rows = reader.db
    .prepare(
      `SELECT ${BLOCK_META} FROM blocks
       WHERE tenant = ? AND t_max >= ? AND t_min <= ? ORDER BY t_max DESC, id DESC`,
    )
    .iterate(ctx.tenant, req.from, req.to) as IterableIterator<BlockMeta>;
  for (const row of rows) {
    if (!cand.block(row)) {
      prunedBlocks++;
      continue;
    }
    if (matchAll && row.t_min >= req.from && row.t_max <= req.to && slot(row.t_min) === slot(row.t_max)) {
      // The whole block falls in one bucket: its count is exact without decoding.
      counts[slot(row.t_min)] = (counts[slot(row.t_min)] ?? 0) + row.count;
      total += row.count;
      continue;
    }
    const keep = matchAll ? undefined : cand.events(row);
    const byColumns = plan === undefined ? undefined : reader.columnMatches(row, plan, keep, req.from, req.to);
    if (byColumns === null) {
      prunedBlocks++;
      continue;
    }
    if (byColumns !== undefined) {
      for (const i of byColumns.positions) {
        const k = slot(byColumns.times[i] as number);
        counts[k] = (counts[k] ?? 0) + 1;
      }
      total += byColumns.positions.length;
      continue;
    }
    const late = scannedBlocks > 0 && req.deadline !== undefined && Date.now() > req.deadline;
    if (scannedBlocks >= HISTOGRAM_BLOCK_BUDGET || late) {
      partial = true;
      break;
    }
    scannedBlocks++;
    const events = reader.blockEvents(row);
    for (let i = 0; i < events.length; i++) {
      const b = events[i] as BlockEvent;
      if (b.time < req.from || b.time > req.to) continue;
      if (keep !== undefined && !keep(i)) continue;
      if (!matchAll && !pred(eventDoc(reader.toEvent(ctx.tenant, b)))) continue;
      const k = slot(b.time);
      counts[k] = (counts[k] ?? 0) + 1;
      total++;
    }
  }
  return { from: req.from, bucketMs, counts, total, partial, scannedBlocks, prunedBlocks };
}

/** The current marks (newest block and dead letter of the tenant), to count arrivals from. */
export function arrivalMark(reader: SqliteEventReader, ctx: AuthContext): Arrivals['mark'] {
  const b = reader.db.prepare('SELECT MAX(id) AS m FROM blocks WHERE tenant = ?').get(ctx.tenant) as {
    m: number | null;
  };
  const d = reader.db.prepare('SELECT MAX(id) AS m FROM dead_letters WHERE tenant = ?').get(ctx.tenant) as {
    m: number | null;
  };
  return { block: b.m ?? 0, deadLetter: d.m ?? 0 };
}

/** Events and dead letters the tenant received after `after` (cheap: both walk primary keys). */
export function arrivalsSince(reader: SqliteEventReader, ctx: AuthContext, after: Arrivals['mark']): Arrivals {
  const b = reader.db
    .prepare('SELECT COALESCE(SUM(count), 0) AS n, MAX(id) AS m FROM blocks WHERE id > ? AND tenant = ?')
    .get(after.block, ctx.tenant) as { n: number; m: number | null };
  const d = reader.db
    .prepare('SELECT COUNT(*) AS n, MAX(id) AS m FROM dead_letters WHERE id > ? AND tenant = ?')
    .get(after.deadLetter, ctx.tenant) as { n: number; m: number | null };
  return {
    events: b.n,
    deadLetters: d.n,
    mark: { block: b.m ?? after.block, deadLetter: d.m ?? after.deadLetter },
  };
}

const KEYED = new WeakSet<SqliteDb>();

/** Registers `isoc_entity_key(type, value)`: the short host name, the account name, else the value. */
function registerEntityKey(db: SqliteDb): void {
  if (KEYED.has(db)) return;
  db.function('isoc_entity_key', { deterministic: true }, (type: unknown, value: unknown) => {
    if (typeof value !== 'string') return value === undefined ? null : (value as string | number | null);
    if (type === 'host') return shortHostName(value);
    if (type === 'user') return accountName(value);
    return value;
  });
  KEYED.add(db);
}
