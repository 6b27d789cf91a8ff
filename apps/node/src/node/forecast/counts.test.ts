import { describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { SqliteIncidentStore } from '@intersoc/correlate';
import { migrateFederation } from '@intersoc/federation';
import { SqliteForecastStore } from '@intersoc/forecast';
import { openDatabase, openEventReader } from '@intersoc/storage';
import { createHydrator } from '../../pipeline/hydrator.js';
import { nodeCountSource, sampleLandedSightings } from './counts.js';

const HOUR = 3_600_000;

describe('the node’s count series', () => {
  it('turns the federation’s running totals of peers’ sightings into hourly counts', () => {
    const node = openDatabase(':memory:');
    migrateFederation(node);
    new SqliteIncidentStore(node); // the node database has its incident tables
    const reader = openEventReader(':memory:', createHydrator());
    const stores = { events: reader.db, node, forecasts: new SqliteForecastStore(node) };
    const ctx = systemContext('acme');
    const land = (indicator: string, count: number): void => {
      node
        .prepare(
          `INSERT INTO fed_landed (tenant, indicator, peer, count, first, last) VALUES ('acme', ?, 'peer-1', ?, 0, 0)
           ON CONFLICT (tenant, indicator, peer) DO UPDATE SET count = excluded.count`,
        )
        .run(indicator, count);
    };
    land('indicator--a', 40);
    const now = Math.floor(Date.now() / HOUR) * HOUR + 60_000;
    // the first read only notes the total: what came before has no hours
    expect(sampleLandedSightings(stores, ctx, now)).toBe(0);
    land('indicator--a', 43);
    land('indicator--b', 2);
    expect(sampleLandedSightings(stores, ctx, now)).toBe(5);
    expect(sampleLandedSightings(stores, ctx, now)).toBe(0);
    const from = Math.floor(now / HOUR) * HOUR - 2 * HOUR;
    const series = nodeCountSource(stores).hourly(ctx, from, from + 3 * HOUR);
    expect([...(series.find((s) => s.series === 'sightings')?.values ?? [])]).toEqual([0, 0, 5]);
    // another tenant's totals are its own
    expect(sampleLandedSightings(stores, systemContext('globex'), now)).toBe(0);
    reader.close();
  });
});
