/**
 * @module
 * The tenant's hourly count series on the shared PostgreSQL store, the same series as the node's
 * (`counts.ts`) from the same rows: alerts from `ev_alerts` (the same documents as SQLite's
 * `alerts`), techniques and tactics from each alert document's lists, incidents from
 * `incidents`, events from the block metadata of `ev_blocks` (one tenant and day per block, as in
 * SQLite), and peers' sightings from the growth of `fed_landed`. Sightings published on a bus
 * are not counted here: the api role has no bus (only the embedded node subscribes to
 * `federation.sightings.<tenant>`).
 *
 * Several api instances may refresh one tenant: sampling the landed sightings takes a per-tenant
 * advisory lock for its transaction, so one total read and one mark swap follow the other.
 */
import type { AuthContext } from '@intersoc/core';
import type { CountSource, ForecastStore, SectorCount } from '@intersoc/forecast';
import type { SyncPg } from '@intersoc/storage/postgres';
import { countSource, type BlockRow, type CountReads, type HourRow, type LabelRow } from './counts.js';
import { sectorWindow, toSectorCounts, type DayTechniqueRow } from './sector-share.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The entries of a JSON list in an alert document (none when it is not a list), as text. */
const entries = (list: 'techniques' | 'tactics'): string =>
  `json_array_elements_text(CASE WHEN json_typeof(a.doc::json -> '${list}') = 'array'
     THEN a.doc::json -> '${list}' ELSE '[]'::json END) AS j(value)`;

/** The count rows of the PostgreSQL store (`migratePg`: steps 1, 4, 11). */
export function pgCountReads(pg: SyncPg): CountReads {
  return {
    alerts: (ctx, from, to) =>
      pg.query<HourRow>(
        `SELECT (time / ${HOUR}) * ${HOUR} AS hour, COUNT(*) AS n FROM ev_alerts
          WHERE tenant = $1 AND time >= $2 AND time < $3 GROUP BY 1`,
        [ctx.tenant, from, to],
      ),
    alertLabels: (ctx, list, from, to) =>
      pg.query<LabelRow>(
        `SELECT (a.time / ${HOUR}) * ${HOUR} AS hour, j.value AS tech, COUNT(*) AS n
           FROM ev_alerts a CROSS JOIN LATERAL ${entries(list)}
          WHERE a.tenant = $1 AND a.time >= $2 AND a.time < $3 GROUP BY 1, 2`,
        [ctx.tenant, from, to],
      ),
    incidents: (ctx, from, to) =>
      pg.query<HourRow>(
        `SELECT (first_seen / ${HOUR}) * ${HOUR} AS hour, COUNT(*) AS n FROM incidents
          WHERE tenant = $1 AND status != 'merged' AND first_seen >= $2 AND first_seen < $3 GROUP BY 1`,
        [ctx.tenant, from, to],
      ),
    blocks: (ctx, from, to) =>
      pg.query<BlockRow>('SELECT t_min, t_max, count FROM ev_blocks WHERE tenant = $1 AND t_max >= $2 AND t_min < $3', [
        ctx.tenant,
        from,
        to,
      ]),
    // SUM of bigint is numeric (a string from the driver): back to bigint, a number.
    landedTotal: (ctx) =>
      pg.query<{ n: number }>('SELECT COALESCE(SUM(count), 0)::bigint AS n FROM fed_landed WHERE tenant = $1', [
        ctx.tenant,
      ])[0]?.n ?? 0,
    exclusive: (ctx, fn) =>
      pg.transaction(() => {
        pg.query("SELECT pg_advisory_xact_lock(hashtext('intersoc.forecast_landed'), hashtext($1))", [ctx.tenant]);
        return fn();
      }),
  };
}

/** The count source of the PostgreSQL store; `forecasts` keeps the sightings counted. */
export function pgCountSource(s: { readonly pg: SyncPg; readonly forecasts: ForecastStore }): CountSource {
  return countSource(pgCountReads(s.pg), s.forecasts);
}

/** `sectorCounts` (sector-share.ts) over `ev_alerts`: the same days, techniques and pseudonym. */
export function pgSectorCounts(
  pg: SyncPg,
  key: Buffer,
  ctx: AuthContext,
  sector: string,
  days: number,
  now = Date.now(),
): SectorCount[] {
  const { from, to } = sectorWindow(days, now);
  const rows = pg.query<DayTechniqueRow>(
    `SELECT (a.time / ${DAY}) * ${DAY} AS day, j.value AS tech, COUNT(*) AS n
       FROM ev_alerts a CROSS JOIN LATERAL ${entries('techniques')}
      WHERE a.tenant = $1 AND a.time >= $2 AND a.time < $3 GROUP BY 1, 2 ORDER BY 1, j.value COLLATE "C"`,
    [ctx.tenant, from, to],
  );
  return toSectorCounts(rows, key, ctx, sector);
}
