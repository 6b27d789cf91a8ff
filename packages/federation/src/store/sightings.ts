/**
 * @module
 * Cross-SOC sightings. Local: this node's detections of indicators that came from peers,
 * aggregated per indicator (count, first and last seen, pseudonymisable context) until they are
 * returned to the originator. Landed: sightings peers returned about what this node shared,
 * which the originator's dashboard shows.
 */
import type { SqliteDb } from '@intersoc/storage';
import { stmt } from '../internal/sql.js';

/** A context entity of a sighting (the matched event's host, user, addresses). */
export interface ContextEntity {
  readonly type: string;
  readonly value: string;
  readonly role?: string;
}

/** An aggregated local sighting. */
export interface LocalSighting {
  readonly tenant: string;
  readonly indicator: string;
  readonly origin: string;
  /** The peer the indicator arrived from. */
  readonly via: string;
  readonly count: number;
  readonly first: number;
  readonly last: number;
  readonly context: readonly ContextEntity[];
}

/** A sighting returned by a peer. */
export interface LandedSighting {
  readonly indicator: string;
  readonly peer: string;
  readonly count: number;
  readonly first: number;
  readonly last: number;
}

const MAX_CONTEXT = 20;

/** Adds detections to the local aggregate of an indicator; true when it is the first for it. */
export function recordLocalSighting(db: SqliteDb, s: LocalSighting): boolean {
  const prev = stmt(
    db,
    'SELECT count, first, last, context FROM fed_local_sightings WHERE tenant = ? AND indicator = ?',
  ).get(s.tenant, s.indicator) as StoredAggregate | undefined;
  stmt(
    db,
    `INSERT OR REPLACE INTO fed_local_sightings (tenant, indicator, origin, via, count, first, last, context, dirty)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`,
  ).run(...mergeLocalSighting(prev, s));
  return prev === undefined;
}

/** The stored aggregate of an indicator, as `mergeLocalSighting` reads it. */
export interface StoredAggregate {
  count: number;
  first: number;
  last: number;
  context: string;
}

/**
 * The row (tenant, indicator, origin, via, count, first, last, context) after adding `s` to the
 * stored aggregate: counts add up, times widen, context entities are kept once, at most 20.
 */
export function mergeLocalSighting(
  prev: StoredAggregate | undefined,
  s: LocalSighting,
): [string, string, string, string, number, number, number, string] {
  const context = [...(prev ? (JSON.parse(prev.context) as ContextEntity[]) : [])];
  for (const e of s.context)
    if (context.length < MAX_CONTEXT && !context.some((c) => c.type === e.type && c.value === e.value)) context.push(e);
  return [
    s.tenant,
    s.indicator,
    s.origin,
    s.via,
    (prev?.count ?? 0) + s.count,
    Math.min(prev?.first ?? s.first, s.first),
    Math.max(prev?.last ?? s.last, s.last),
    JSON.stringify(context),
  ];
}

/** A row of `fed_local_sightings`. */
export interface LocalSightingRow {
  tenant: string;
  indicator: string;
  origin: string;
  via: string;
  count: number;
  first: number;
  last: number;
  context: string;
}

/** A local sighting row as returned: the context parsed (other columns as stored). */
export function toLocalSighting(r: LocalSightingRow): LocalSighting {
  return { ...r, context: JSON.parse(r.context) as ContextEntity[] };
}

/** Local sightings not yet returned since they last changed. */
export function pendingSightings(db: SqliteDb, tenant: string): LocalSighting[] {
  const rows = stmt(db, 'SELECT * FROM fed_local_sightings WHERE tenant = ? AND dirty = 1 ORDER BY last').all(
    tenant,
  ) as LocalSightingRow[];
  return rows.map(toLocalSighting);
}

/** Marks sightings as returned. */
export function markSightingsSent(db: SqliteDb, tenant: string, indicators: readonly string[]): void {
  const st = stmt(db, 'UPDATE fed_local_sightings SET dirty = 0 WHERE tenant = ? AND indicator = ?');
  db.transaction(() => indicators.forEach((i) => st.run(tenant, i)))();
}

/** Records a sighting a peer returned (counts are cumulative: the largest wins). */
export function recordLanded(db: SqliteDb, tenant: string, s: LandedSighting): void {
  stmt(
    db,
    `INSERT INTO fed_landed (tenant, indicator, peer, count, first, last) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (tenant, indicator, peer) DO UPDATE SET count = MAX(count, excluded.count),
       first = MIN(first, excluded.first), last = MAX(last, excluded.last)`,
  ).run(tenant, s.indicator, s.peer, s.count, s.first, s.last);
}

/** Sightings peers returned, newest first. */
export function landedSightings(db: SqliteDb, tenant: string, limit = 200): LandedSighting[] {
  return stmt(
    db,
    'SELECT indicator, peer, count, first, last FROM fed_landed WHERE tenant = ? ORDER BY last DESC LIMIT ?',
  ).all(tenant, limit) as LandedSighting[];
}
