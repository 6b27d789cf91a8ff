/**
 * @module
 * Adds forecasting to a running node: the forecast store in the main database, the forecast
 * service over the node's counts, refreshes of every tenant every `forecast.refreshMinutes` (and of the sector view where
 * members share counts), warnings published on the bus as `forecast.warnings.<tenant>`, peers'
 * sightings counted from `federation.sightings.<tenant>`, and the API routes.
 */
import type { FastifyInstance } from 'fastify';
import { systemContext, TENANT_PATTERN, type Config } from '@intersoc/core';
import { registerForecastRoutes } from '@intersoc/api';
import type { Bus, Subscription } from '@intersoc/bus';
import { SqliteIncidentStore } from '@intersoc/correlate';
import { ForecastService, SqliteForecastStore, type ForecastWarning } from '@intersoc/forecast';
import type { SqliteDb, SqliteEventReader } from '@intersoc/storage';
import { ruleService } from '../dashboard/rules.js';
import { nodeCountSource } from './counts.js';
import { sectorCounts, sectorKey } from './sector-share.js';
import { refreshTenants, scheduleRefresh } from './refresh.js';
import { forecastApiService } from './service.js';

/** What forecasting needs from the node. */
export interface ForecastWiring {
  readonly config: Config;
  /** The node's main database. */
  readonly db: SqliteDb;
  /** The event store's reader (its read connection gives alert and event counts). */
  readonly reader: SqliteEventReader;
  readonly bus: Bus;
  /** The node's tenants (names). */
  readonly tenants: () => Promise<readonly string[]>;
  readonly onError: (err: unknown) => void;
  readonly onWarning?: (w: ForecastWarning) => void;
}

/** The attached parts. */
export interface AttachedForecasts {
  readonly service: ForecastService;
  /** Forecasts every tenant now; resolves with the warnings raised. */
  refreshAll(): Promise<ForecastWarning[]>;
  close(): void;
}

/** Builds the forecast service, registers its routes and starts the hourly refresh. */
export function attachForecasts(app: FastifyInstance, w: ForecastWiring): AttachedForecasts {
  const store = new SqliteForecastStore(w.db);
  const service = new ForecastService({
    store,
    source: nodeCountSource({ events: w.reader.db, node: w.db, forecasts: store }),
  });
  const incidents = new SqliteIncidentStore(w.db);
  const rules = ruleService({ data: w.config.data, reader: w.reader });
  let key: Buffer | undefined;
  const shared = (ctx: Parameters<typeof sectorCounts>[2], sector: string, days: number) =>
    sectorCounts(w.reader.db, (key ??= sectorKey(w.config.data)), ctx, sector, days);
  registerForecastRoutes(app, {
    forecast: forecastApiService({ forecasts: service, incidents, rules, sectorCounts: shared }),
  });

  const subs: Subscription[] = [
    w.bus.subscribe('federation.sightings.*', (message, subject) => {
      const tenant = subject.split('.')[2] ?? '';
      if (!TENANT_PATTERN.test(tenant)) return;
      const time = (message as { time?: unknown } | null)?.time;
      store.bumpCount(systemContext(tenant), 'sightings', typeof time === 'number' ? time : Date.now());
    }),
  ];

  const publish = (list: readonly ForecastWarning[]): void => {
    for (const x of list) {
      w.onWarning?.(x);
      void w.bus.publish(`forecast.warnings.${x.tenant}`, x);
    }
  };
  const refreshAll = async (): Promise<ForecastWarning[]> => {
    const out = refreshTenants(service, store, await w.tenants(), w.onError);
    publish(out);
    return out;
  };
  // `forecast.refreshMinutes` (default 60); 0 forecasts only on request
  const stop = scheduleRefresh(w.config.forecast.refreshMinutes, () => {
    refreshAll().catch(w.onError);
  });

  return {
    service,
    refreshAll,
    close: () => {
      stop();
      for (const s of subs) s.unsubscribe();
    },
  };
}
