/**
 * @module
 * The forecast routes of the `api` role (`/api/forecast/…`, `/api/incidents/:id/next`) over the
 * PostgreSQL store: forecasts, warnings and sector counts in `PgForecastStore`, the counts from
 * `ev_alerts`, `incidents`, `ev_blocks` and `fed_landed` (`node/forecast/pg-counts.ts`, the same
 * series as the node's), closed incidents for the next-step model from `PgIncidentStore`.
 *
 * Every tenant is refreshed every `forecast.refreshMinutes`, as on the node, by one api instance
 * at a time: a round runs only where `pg_try_advisory_lock` is won, and the others skip it; a
 * timer also skips its round when another instance began one less than a period ago (the time is
 * kept in the store), so N instances refresh once a period, not N times.
 * Warnings are kept in the store (listed by `/api/forecast/warnings`) and handed to `onWarning`;
 * they are not published as `forecast.warnings.<tenant>` (no bus here), and peers' sightings
 * published on `federation.sightings.<tenant>` are not counted (only their totals in `fed_landed`).
 * Not served: the likely next steps of an incident (`/api/incidents/:id/next`, UNSUPPORTED) need
 * the node's rule service (rule folders, hits from the SQLite event store); `/api/forecast/predict`
 * (the same model without an incident) is served.
 */
import type { FastifyInstance } from 'fastify';
import { AppError, DEFAULT_TENANT, systemContext, type AuthContext } from '@intersoc/core';
import { registerForecastRoutes, type RuleService } from '@intersoc/api';
import { PgIncidentStore } from '@intersoc/correlate';
import { ForecastService, PgForecastStore, type ForecastWarning } from '@intersoc/forecast';
import type { SyncPg } from '@intersoc/storage/postgres';
import { pgCountSource, pgSectorCounts } from '../node/forecast/pg-counts.js';
import { refreshTenants, scheduleRefresh } from '../node/forecast/refresh.js';
import { sectorKey } from '../node/forecast/sector-share.js';
import { forecastApiService } from '../node/forecast/service.js';

/** The advisory lock (two keys) an instance holds while it refreshes every tenant. */
const REFRESH_LOCK = "hashtext('intersoc.forecast'), hashtext('refresh-all')";
/** When the last round of any instance began: a count of the operator tenant, never forecast. */
const LAST_ROUND = '_refresh_all';
/** A round is due this much before a full period has passed, so timer drift skips none. */
const DUE_SLACK_MS = 60_000;

/** What the routes are built from. */
export interface ApiForecastWiring {
  /** The identity stores' bridge: forecasts, counts and incidents share its connection. */
  readonly pg: SyncPg;
  /** This host's data folder: the sector pseudonym key (`<data>/forecast/sector.key`). */
  readonly data: string;
  /** `forecast.refreshMinutes` (0: only on request). */
  readonly refreshMinutes: number;
  /** Every tenant's name (the operator's listing). */
  readonly tenants: () => Promise<readonly string[]>;
  readonly onError: (err: unknown) => void;
  /** Each new warning of a periodic refresh. */
  readonly onWarning?: (w: ForecastWarning) => void;
}

/** The registered forecasting of the api role. */
export interface ApiForecast {
  readonly service: ForecastService;
  /**
   * Refreshes every tenant unless another instance is doing it, or (`ifDue`) one began a round
   * less than a period ago (`ran: false`); resolves with the warnings that were new.
   */
  refreshAll(opts?: { readonly ifDue?: boolean }): Promise<{ ran: boolean; warnings: ForecastWarning[] }>;
  /** Stops the periodic refresh. */
  close(): void;
}

const NEXT_NOT_SERVED = 'the likely next steps of an incident (with rule coverage) are not served by the api role yet';

/** The rule service is the node's (rule folders, hits from the SQLite event store): not in this role. */
function noRules(): RuleService {
  const unsupported = async (): Promise<never> => {
    throw new AppError('UNSUPPORTED', NEXT_NOT_SERVED);
  };
  return { list: unsupported, get: unsupported, tune: unsupported, coverage: unsupported };
}

/** Registers the forecast routes on the api role's server and starts the periodic refresh. */
export function registerApiForecast(app: FastifyInstance, w: ApiForecastWiring): ApiForecast {
  const store = new PgForecastStore(w.pg);
  const service = new ForecastService({ store, source: pgCountSource({ pg: w.pg, forecasts: store }) });
  let key: Buffer | undefined;
  const api = forecastApiService({
    forecasts: service,
    incidents: new PgIncidentStore(w.pg),
    rules: noRules(),
    sectorCounts: (ctx: AuthContext, sector: string, days: number) =>
      pgSectorCounts(w.pg, (key ??= sectorKey(w.data)), ctx, sector, days),
  });
  registerForecastRoutes(app, {
    forecast: {
      ...api,
      // Refused whole rather than answered with every technique's coverage unknown.
      incidentNext: async () => {
        throw new AppError('UNSUPPORTED', NEXT_NOT_SERVED);
      },
    },
  });

  let running = false;
  const every = w.refreshMinutes * 60_000;
  const operator = systemContext(DEFAULT_TENANT);
  const refreshAll = async (
    opts: { readonly ifDue?: boolean } = {},
  ): Promise<{ ran: boolean; warnings: ForecastWarning[] }> => {
    // A session lock is re-entrant in its own session: one round at a time in this process too.
    if (running) return { ran: false, warnings: [] };
    running = true;
    try {
      const [got] = w.pg.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${REFRESH_LOCK}) AS ok`);
      if (!got?.ok) return { ran: false, warnings: [] };
      try {
        // Under the lock: the instances' timers keep their own phases, and one round a period is enough.
        const now = Date.now();
        const last = store.counts(operator, LAST_ROUND, 0, 1)[0]?.value;
        if (opts.ifDue && last !== undefined && now - last < every - DUE_SLACK_MS) return { ran: false, warnings: [] };
        store.swapCount(operator, LAST_ROUND, 0, now);
        const warnings = refreshTenants(service, store, await w.tenants(), w.onError);
        for (const x of warnings) w.onWarning?.(x);
        return { ran: true, warnings };
      } finally {
        // A bridge that lost its connection meanwhile lost the lock with it: nothing to release.
        w.pg.query(`SELECT pg_advisory_unlock(${REFRESH_LOCK})`);
      }
    } finally {
      running = false;
    }
  };
  const stop = scheduleRefresh(w.refreshMinutes, () => {
    refreshAll({ ifDue: true }).catch(w.onError);
  });
  return { service, refreshAll, close: stop };
}
