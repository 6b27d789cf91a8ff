/**
 * @module
 * The periodic refresh of every tenant's forecasts, shared by the embedded node (`attach.ts`)
 * and the api role (`roles/api-forecast.ts`): each tenant's series, then its sector view where
 * members share counts; a tenant that fails is reported and the others go on.
 */
import { systemContext } from '@intersoc/core';
import type { ForecastService, ForecastStore, ForecastWarning } from '@intersoc/forecast';

/** The first refresh, after the node settles. */
export const FIRST_REFRESH_MS = 60_000;
/** Days of shared sector counts that make a sector view worth refreshing. */
const SECTOR_DAYS = 56;

/** Forecasts every tenant of `tenants` now; returns the warnings that were new. */
export function refreshTenants(
  service: ForecastService,
  store: ForecastStore,
  tenants: readonly string[],
  onError: (err: unknown) => void,
): ForecastWarning[] {
  const out: ForecastWarning[] = [];
  for (const t of tenants) {
    try {
      const ctx = systemContext(t);
      out.push(...service.refresh(ctx).warnings);
      if (store.sectorTotals(ctx, Date.now() - SECTOR_DAYS * 86_400_000).length > 0)
        out.push(...service.refreshSector(ctx).warnings);
    } catch (err) {
      onError(err);
    }
  }
  return out;
}

/**
 * Runs `run` every `minutes` (the first time after `FIRST_REFRESH_MS` or sooner); 0 never.
 * Returns the stop function. The timers do not keep the process alive.
 */
export function scheduleRefresh(minutes: number, run: () => void): () => void {
  const every = minutes * 60_000;
  const first = every > 0 ? setTimeout(run, Math.min(FIRST_REFRESH_MS, every)) : undefined;
  first?.unref();
  const timer = every > 0 ? setInterval(run, every) : undefined;
  timer?.unref();
  return () => {
    if (first) clearTimeout(first);
    if (timer) clearInterval(timer);
  };
}
