/**
 * @module
 * The forecast store suite (`forecastStoreSuite`): the same tests on every `ForecastStore`,
 * `store/sqlite-forecast.test.ts` on SQLite and `store/pg-forecast.test.ts` on PostgreSQL. Each
 * test opens the store twice on one database (two processes) and checks that one sees the other's
 * writes, that concurrent writes add up or win once, and that no call reaches another tenant.
 */
import { describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { MAX_WARNINGS, type ForecastStore } from '../store/forecast-store.js';
import type { ForecastWarning, Granularity, StoredForecast } from '../store/types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 5);

const acme = systemContext('acme');
const globex = systemContext('globex');

/** Two handles on one fresh database, and how to close both. */
export interface ForecastStoreHandles {
  readonly store: ForecastStore;
  readonly other: ForecastStore;
  close(): Promise<void>;
}

function forecastOf(series: string, granularity: Granularity, made: number): StoredForecast {
  return {
    series,
    kind: series.startsWith('technique:') ? 'technique' : 'alerts',
    granularity,
    made,
    start: T0,
    step: granularity === 'hour' ? HOUR : DAY,
    history: [1, 2, 3],
    model: 'snaive',
    points: [{ value: 2.5, lo80: 1, hi80: 4, lo95: 0.5, hi95: 5 }],
    backtest: { mase: 0.8, baseline_mase: 1, folds: 3, horizon: 24, candidates: { snaive: 1, ets: 0.8 } },
    seasonalLevel: 2,
  };
}

function warningOf(id: string, time: number, tenant = 'acme'): ForecastWarning {
  return {
    id,
    tenant,
    time,
    series: 'alerts',
    kind: 'above-band',
    actual: 40,
    expected: 10,
    ratio: 4,
    band: { lo95: 2, hi95: 18 },
    history: { from: T0, to: time, points: 1344, model: 'mstl' },
    message: `alerts above the band (${id})`,
  };
}

/** The suite, on the store `open` returns (a fresh database each call). */
export function forecastStoreSuite(name: string, open: () => Promise<ForecastStoreHandles>): void {
  describe(`forecast store (${name})`, () => {
    it('keeps the last forecast per series and granularity, ordered byte-wise, per tenant', async () => {
      const h = await open();
      try {
        h.store.putForecasts(acme, [
          forecastOf('technique:T1486', 'hour', 1),
          forecastOf('alerts', 'day', 1),
          forecastOf('alerts', 'hour', 1),
          forecastOf('Zeta', 'hour', 1),
        ]);
        h.other.putForecasts(globex, [forecastOf('alerts', 'hour', 9)]);
        // the second handle replaces one (a series listed twice keeps the last)
        h.other.putForecasts(acme, [forecastOf('alerts', 'hour', 2), forecastOf('alerts', 'hour', 3)]);
        h.store.putForecasts(acme, []);

        expect(h.store.forecasts(acme).map((f) => [f.series, f.granularity, f.made])).toEqual([
          ['Zeta', 'hour', 1],
          ['alerts', 'day', 1],
          ['alerts', 'hour', 3],
          ['technique:T1486', 'hour', 1],
        ]);
        expect(h.other.forecasts(acme, 'hour').map((f) => f.series)).toEqual(['Zeta', 'alerts', 'technique:T1486']);
        expect(h.other.forecasts(acme, 'day').map((f) => f.series)).toEqual(['alerts']);
        expect(h.other.forecast(acme, 'technique:T1486', 'hour')).toEqual(forecastOf('technique:T1486', 'hour', 1));
        expect(h.store.forecast(acme, 'technique:T1486', 'day')).toBeUndefined();
        expect(h.store.forecasts(globex).map((f) => [f.series, f.made])).toEqual([['alerts', 9]]);
        expect(h.store.forecasts(systemContext('initech'))).toEqual([]);
      } finally {
        await h.close();
      }
    });

    it('adds a warning once across handles, lists newest first, and stays in the tenant', async () => {
      const h = await open();
      try {
        const a = warningOf('w-a', T0 + 2 * HOUR);
        const b = warningOf('w-b', T0 + HOUR);
        const c = warningOf('w-c', T0 + 2 * HOUR);
        expect(h.store.addWarnings(acme, [b, a, b]).map((w) => w.id)).toEqual(['w-b', 'w-a']);
        // the other process raised the same warning: only the new one is announced
        expect(h.other.addWarnings(acme, [{ ...a, message: 'again' }, c]).map((w) => w.id)).toEqual(['w-c']);
        expect(h.other.addWarnings(acme, [])).toEqual([]);
        // another tenant may use the same id
        expect(h.other.addWarnings(globex, [warningOf('w-a', T0, 'globex')]).map((w) => w.id)).toEqual(['w-a']);

        expect(h.store.warnings(acme).map((w) => w.id)).toEqual(['w-a', 'w-c', 'w-b']);
        expect(h.store.warnings(acme)[0]).toEqual(a);
        expect(h.other.warnings(acme, 2).map((w) => w.id)).toEqual(['w-a', 'w-c']);
        expect(h.other.warnings(acme, -1)).toHaveLength(3);
        expect(h.store.warnings(globex).map((w) => w.tenant)).toEqual(['globex']);
        expect(h.store.warnings(systemContext('initech'))).toEqual([]);
      } finally {
        await h.close();
      }
    });

    it(`keeps the newest ${MAX_WARNINGS} warnings of a tenant`, async () => {
      const h = await open();
      try {
        const many = Array.from({ length: MAX_WARNINGS }, (_, i) => warningOf(`w-${i}`, T0 + i * 1000));
        expect(h.store.addWarnings(acme, many)).toHaveLength(MAX_WARNINGS);
        h.store.addWarnings(globex, [warningOf('old', T0 - DAY, 'globex')]);
        const newer = [warningOf('new-1', T0 + DAY), warningOf('new-2', T0 + DAY)];
        expect(h.other.addWarnings(acme, newer)).toHaveLength(2);
        const kept = h.store.warnings(acme, -1);
        expect(kept).toHaveLength(MAX_WARNINGS);
        expect(kept.slice(0, 2).map((w) => w.id)).toEqual(['new-1', 'new-2']);
        // the two oldest went; the other tenant's older warning did not
        expect(kept.at(-1)?.id).toBe('w-2');
        expect(h.store.warnings(globex).map((w) => w.id)).toEqual(['old']);
      } finally {
        await h.close();
      }
    });

    it('adds count bumps from both handles in the hour they fall in', async () => {
      const h = await open();
      try {
        h.store.bumpCount(acme, 'sightings', T0 + 10);
        h.other.bumpCount(acme, 'sightings', T0 + HOUR - 1, 4);
        h.store.bumpCount(acme, 'sightings', T0 + HOUR, 2);
        h.other.bumpCount(acme, 'sightings', T0 + 3 * HOUR + 5, -1);
        h.store.bumpCount(acme, '_mark', 0, 7);
        h.other.bumpCount(globex, 'sightings', T0, 100);

        expect(h.store.counts(acme, 'sightings', T0, T0 + 4 * HOUR)).toEqual([
          { hour: T0, value: 5 },
          { hour: T0 + HOUR, value: 2 },
          { hour: T0 + 3 * HOUR, value: -1 },
        ]);
        expect(h.other.counts(acme, 'sightings', T0 + HOUR, T0 + 3 * HOUR)).toEqual([{ hour: T0 + HOUR, value: 2 }]);
        expect(h.other.counts(acme, '_mark', 0, 1)).toEqual([{ hour: 0, value: 7 }]);
        expect(h.store.counts(globex, 'sightings', 0, T0 + DAY)).toEqual([{ hour: T0, value: 100 }]);
        expect(h.store.counts(acme, 'nothing', 0, T0 + DAY)).toEqual([]);
      } finally {
        await h.close();
      }
    });

    it('swaps a count for a new value and returns the old one, seen from both handles', async () => {
      const h = await open();
      try {
        expect(h.store.swapCount(acme, '_total', 0, 40)).toBeUndefined();
        expect(h.other.swapCount(acme, '_total', 0, 45)).toBe(40);
        expect(h.store.swapCount(acme, '_total', 10, 43)).toBe(45);
        // another tenant and another hour have their own counts
        expect(h.other.swapCount(globex, '_total', 0, 7)).toBeUndefined();
        expect(h.other.swapCount(acme, '_total', HOUR, 1)).toBeUndefined();
        expect(h.store.counts(acme, '_total', 0, 2 * HOUR)).toEqual([
          { hour: 0, value: 43 },
          { hour: HOUR, value: 1 },
        ]);
        // a swap and a bump on one count: the bump adds to what the swap set
        h.other.bumpCount(acme, '_total', 0, 2);
        expect(h.store.swapCount(acme, '_total', 0, 0)).toBe(45);
        expect(h.store.counts(globex, '_total', 0, HOUR)).toEqual([{ hour: 0, value: 7 }]);
      } finally {
        await h.close();
      }
    });

    it('replaces a member’s sector count for a day and sums per sector, technique and day', async () => {
      const h = await open();
      try {
        const row = (sector: string, technique: string, member: string, day: number, count: number) => ({
          sector,
          technique,
          member,
          day,
          count,
        });
        expect(
          h.store.putSectorCounts(acme, [
            row('energy', 'T1486', 'm1', T0, 3),
            row('energy', 'T1486', 'm2', T0, 4),
            row('energy', 'T1486', 'm1', T0 + DAY, 1),
            row('Water', 'T1059', 'm1', T0, 2),
            row('energy', 'T1059', 'm1', T0 - DAY, 50),
          ]),
        ).toBe(5);
        // the member sends again: its count replaces the earlier one
        expect(h.other.putSectorCounts(acme, [row('energy', 'T1486', 'm1', T0, 10)])).toBe(1);
        expect(h.other.putSectorCounts(acme, [])).toBe(0);
        h.other.putSectorCounts(globex, [row('energy', 'T1486', 'm9', T0, 1000)]);

        expect(h.store.sectorTotals(acme, T0)).toEqual([
          { sector: 'Water', technique: 'T1059', day: T0, count: 2, members: 1 },
          { sector: 'energy', technique: 'T1486', day: T0, count: 14, members: 2 },
          { sector: 'energy', technique: 'T1486', day: T0 + DAY, count: 1, members: 1 },
        ]);
        expect(h.other.sectorTotals(acme, 0)[1]).toEqual({
          sector: 'energy',
          technique: 'T1059',
          day: T0 - DAY,
          count: 50,
          members: 1,
        });
        expect(h.store.sectorTotals(globex, 0)).toEqual([
          { sector: 'energy', technique: 'T1486', day: T0, count: 1000, members: 1 },
        ]);
      } finally {
        await h.close();
      }
    });
  });
}
