import { describe, expect, it } from 'vitest';
import { systemContext, type AuthContext } from '@intersoc/core';
import { openDatabase } from '@intersoc/storage';
import { hourlyCounts, rng } from '../internal/rng.js';
import { SqliteForecastStore } from '../store/sqlite-forecast.js';
import { ForecastService, type CountSeries, type CountSource } from './forecast-service.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 5); // a Monday

/** Counts kept in memory per tenant: hour start → value, per series. */
class MemorySource implements CountSource {
  readonly data = new Map<string, Map<string, { kind: CountSeries['kind']; byHour: Map<number, number> }>>();
  set(tenant: string, series: string, kind: CountSeries['kind'], start: number, values: ArrayLike<number>): void {
    let t = this.data.get(tenant);
    if (!t) this.data.set(tenant, (t = new Map()));
    let s = t.get(series);
    if (!s) t.set(series, (s = { kind, byHour: new Map() }));
    for (let i = 0; i < values.length; i++) s.byHour.set(start + i * HOUR, values[i] ?? 0);
  }
  hourly(ctx: AuthContext, from: number, to: number): CountSeries[] {
    const out: CountSeries[] = [];
    for (const [series, s] of this.data.get(ctx.tenant) ?? []) {
      const values = new Float64Array((to - from) / HOUR);
      for (let i = 0; i < values.length; i++) values[i] = s.byHour.get(from + i * HOUR) ?? 0;
      out.push({ series, kind: s.kind, values });
    }
    return out;
  }
}

function setup(now: { t: number }) {
  const db = openDatabase(':memory:');
  const source = new MemorySource();
  const service = new ForecastService({ store: new SqliteForecastStore(db), source, now: () => now.t });
  return { source, service };
}

const analyst: AuthContext = { tenant: 'acme', user: 'ana', roles: ['analyst'], via: 'session' };
const viewer: AuthContext = { tenant: 'acme', user: 'vic', roles: ['viewer'], via: 'session' };

describe('ForecastService', () => {
  it('forecasts every series hourly and daily, and warns when an hour leaves the 95% band', () => {
    const now = { t: T0 + 56 * DAY };
    const { source, service } = setup(now);
    const r = rng(1);
    source.set('acme', 'alerts', 'alerts', T0, hourlyCounts(r, 56 * 24, 20));
    expect(service.refresh(analyst)).toEqual({ series: 1, warnings: [] });
    const hourly = service.get(viewer, 'alerts', 'hour');
    expect(hourly?.points).toHaveLength(168);
    expect(hourly?.backtest.mase).toBeLessThanOrEqual(hourly?.backtest.baseline_mase ?? 0);
    expect(service.get(viewer, 'alerts', 'day')?.points).toHaveLength(14);

    // the next day follows the pattern, except one hour with a burst
    const next = hourlyCounts(r, 24, 20, 56 * 24);
    next[10] = 400;
    source.set('acme', 'alerts', 'alerts', T0 + 56 * DAY, next);
    now.t += DAY;
    const { warnings } = service.refresh(analyst);
    const burst = warnings.find((w) => w.time === T0 + 56 * DAY + 10 * HOUR);
    expect(burst).toMatchObject({ series: 'alerts', kind: 'above-band', actual: 400 });
    expect(burst?.ratio).toBeGreaterThan(5);
    expect(burst?.message).toMatch(/above the 95% band .* forecast by \w+ from 1344 hours of history/);
    expect(warnings.length).toBeLessThan(4); // the ordinary hours stay inside their bands
    // a refresh does not repeat warnings
    expect(service.refresh(analyst).warnings.filter((w) => w.id === burst?.id)).toEqual([]);
    expect(service.warnings(viewer).map((w) => w.id)).toContain(burst?.id);
  });

  it('warns when a technique is forecast to rise above its seasonal level', () => {
    const now = { t: T0 + 56 * DAY };
    const { source, service } = setup(now);
    const values = new Float64Array(56 * 24);
    // one a day for seven weeks, then the last week ramps up to forty a day
    for (let d = 0; d < 56; d++) values[d * 24 + 9] = d < 49 ? 1 : 5 * (d - 47);
    source.set('acme', 'technique:T1486', 'technique', T0, values);
    const { warnings } = service.refresh(analyst);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ series: 'technique:T1486', kind: 'rising' });
    expect(warnings[0]?.ratio).toBeGreaterThan(1.5);
    expect(warnings[0]?.message).toMatch(/seasonal level/);
  });

  it('does not call a technique seen for only a few days rising (no seasonal level yet)', () => {
    const now = { t: T0 + 56 * DAY };
    const { source, service } = setup(now);
    const values = new Float64Array(56 * 24);
    for (let d = 53; d < 56; d++) values[d * 24 + 9] = 20;
    source.set('acme', 'technique:T1053.005', 'technique', T0, values);
    expect(service.refresh(analyst).warnings).toEqual([]);
    expect(service.get(viewer, 'technique:T1053.005', 'hour')?.backtest.mase).toBeLessThan(1000);
  });

  it('combines members into sector trends: "T1486 across energy members: N× the seasonal level, rising"', () => {
    const now = { t: T0 + 56 * DAY };
    const { service } = setup(now);
    const rows = [];
    for (const member of ['m1', 'm2', 'm3'])
      for (let d = 0; d < 56; d++) {
        const count = d < 49 ? 2 : 2 + 2 * (d - 48);
        rows.push({ sector: 'energy', technique: 'T1486', member, day: T0 + d * DAY, count });
        rows.push({ sector: 'energy', technique: 'T1059.001', member, day: T0 + d * DAY, count: 3 });
      }
    expect(service.addSectorCounts(analyst, rows)).toBe(rows.length);
    const { trends, warnings } = service.refreshSector(analyst);
    const t = trends.find((x) => x.technique === 'T1486');
    expect(t).toMatchObject({ sector: 'energy', members: 3, direction: 'rising' });
    expect(t?.ratio).toBeGreaterThan(2);
    expect(t?.message).toMatch(/^T1486 across energy members: [\d.]+× the seasonal level, rising$/);
    expect(trends.find((x) => x.technique === 'T1059.001')?.direction).toBe('steady');
    expect(warnings.map((w) => w.series)).toEqual(['sector:energy:T1486']);
    expect(service.sectorTrends(viewer)[0]).toMatchObject({ technique: 'T1486', members: 3 });
  });

  it('keeps tenants apart, refuses viewers changes and malformed shared counts', () => {
    const now = { t: T0 + 56 * DAY };
    const { source, service } = setup(now);
    source.set('acme', 'alerts', 'alerts', T0, hourlyCounts(rng(2), 56 * 24, 5));
    service.refresh(analyst);
    expect(service.list(systemContext('other'))).toEqual([]);
    expect(service.list(viewer)).toHaveLength(2);
    expect(() => service.refresh(viewer)).toThrow(/requires role/);
    const bad = { sector: 'Energy!', technique: 'T1486', member: 'm', day: T0, count: 1 };
    expect(() => service.addSectorCounts(analyst, [bad])).toThrow(/row 0: sector/);
    expect(() => service.addSectorCounts(analyst, [{ ...bad, sector: 'energy', day: T0 + 5 }])).toThrow(/day/);
  });
});
