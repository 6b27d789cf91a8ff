/**
 * @module
 * What a member SOC shares for the sector view: its tenant's alerts per ATT&CK technique and UTC
 * day, under a pseudonym (HMAC-SHA-256 of the tenant with a key kept in the node's data folder,
 * `<data>/forecast/sector.key`, created once, owner-only), so the national node can add members
 * up without learning who they are or seeing any event.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AuthContext } from '@intersoc/core';
import type { SectorCount } from '@intersoc/forecast';
import type { SqliteDb } from '@intersoc/storage';

const DAY = 86_400_000;

/** The node's pseudonym key, created on first use. */
export function sectorKey(data: string): Buffer {
  const file = path.join(data, 'forecast', 'sector.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  try {
    writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // another process made it first: use theirs
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  }
  return key;
}

/** The tenant's pseudonym towards sector `sector` (stable, and different per sector). */
export function memberPseudonym(key: Buffer, tenant: string, sector: string): string {
  return `m-${createHmac('sha256', key).update(`${sector}\u0000${tenant}`).digest('hex').slice(0, 32)}`;
}

/** Alerts of one UTC day with one technique. */
export interface DayTechniqueRow {
  readonly day: number;
  readonly tech: string;
  readonly n: number;
}

/** The window of complete days shared: [from, to), `days` days before today (UTC). */
export function sectorWindow(days: number, now = Date.now()): { from: number; to: number } {
  const today = Math.floor(now / DAY) * DAY;
  return { from: today - days * DAY, to: today };
}

/** Rows of day and technique as the tenant's shared counts (ATT&CK ids only) under its pseudonym. */
export function toSectorCounts(
  rows: readonly DayTechniqueRow[],
  key: Buffer,
  ctx: AuthContext,
  sector: string,
): SectorCount[] {
  const member = memberPseudonym(key, ctx.tenant, sector);
  return rows
    .filter((r) => /^T\d{4}(\.\d{3})?$/.test(r.tech))
    .map((r) => ({ sector, technique: r.tech, member, day: r.day, count: r.n }));
}

/** The tenant's complete days of alerts per technique over the last `days` days, as shared counts. */
export function sectorCounts(
  events: SqliteDb,
  key: Buffer,
  ctx: AuthContext,
  sector: string,
  days: number,
  now = Date.now(),
): SectorCount[] {
  const { from, to } = sectorWindow(days, now);
  const rows = events
    .prepare(
      `SELECT (a.time / ${DAY}) * ${DAY} AS day, j.value AS tech, COUNT(*) AS n
         FROM alerts a, json_each(a.doc, '$.techniques') j
        WHERE a.tenant = ? AND a.time >= ? AND a.time < ? GROUP BY day, tech ORDER BY day, tech`,
    )
    .all(ctx.tenant, from, to) as DayTechniqueRow[];
  return toSectorCounts(rows, key, ctx, sector);
}
