/**
 * The count series on PostgreSQL (`pg-counts.ts`) against the node's on SQLite (`counts.ts`): the
 * same alerts, incidents, event blocks and landed sightings written to both stores give the same
 * series, value for value, and each stays in its tenant. Skips, and says so, only when
 * PostgreSQL is unreachable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext, type AuthContext } from '@intersoc/core';
import { SqliteIncidentStore } from '@intersoc/correlate';
import { migrateFederation } from '@intersoc/federation';
import { PgForecastStore, SqliteForecastStore, type CountSeries, type CountSource } from '@intersoc/forecast';
import { openDatabase, openEventReader, type SqliteDb, type SqliteEventReader } from '@intersoc/storage';
import { createScratchDb, migratePg, openSyncPg, type SyncPg } from '@intersoc/storage/postgres';
import { createHydrator } from '../../pipeline/hydrator.js';
import { countSource, MAX_TECHNIQUE_SERIES, sampleLanded, sqliteCountReads } from './counts.js';
import { pgCountReads, pgCountSource, pgSectorCounts } from './pg-counts.js';
import { sectorCounts } from './sector-share.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 2, 2);
const acme = systemContext('acme');
const globex = systemContext('globex');

const probe = await createScratchDb('intersoc_forecast_counts');
if ('unavailable' in probe) console.warn(`postgres forecast count tests skipped: ${probe.unavailable}`);
else await probe.drop();

/** Both stores, written alike by `write`. */
interface Both {
  readonly node: SqliteDb;
  readonly reader: SqliteEventReader;
  readonly pg: SyncPg;
  readonly sqlite: CountSource;
  readonly postgres: CountSource;
  readonly sqliteForecasts: SqliteForecastStore;
  readonly pgForecasts: PgForecastStore;
}

function alert(i: number, tenant: string, time: number, techniques: string[], tactics: string[]) {
  return {
    id: `alert-${tenant}-${i}`,
    tenant,
    time,
    created: time,
    severity: 'low',
    detector: { kind: 'sigma', ruleId: `rule-${i % 3}`, ruleTitle: 'r' },
    tactics,
    techniques,
    entities: [],
    eventIds: [`e-${i}`],
    summary: 's',
  };
}

function writeAlert(b: Both, a: ReturnType<typeof alert>): void {
  const params = [a.id, a.tenant, a.time, a.created, a.severity, a.detector.ruleId, JSON.stringify(a)];
  b.reader.db
    .prepare('INSERT INTO alerts (id, tenant, time, created, severity, rule_id, doc) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(...params);
  b.pg.run(
    'INSERT INTO ev_alerts (id, tenant, time, created, severity, rule_id, doc) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    params,
  );
}

function writeIncident(b: Both, tenant: string, id: string, status: string, firstSeen: number): void {
  const params = [tenant, id, status, 'high', 50, firstSeen, firstSeen + HOUR, firstSeen + HOUR, '', '{}'];
  b.node
    .prepare(
      `INSERT INTO incidents (tenant, id, status, severity, score, first_seen, last_seen, updated, search, doc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(...params);
  b.pg.run(
    `INSERT INTO incidents (tenant, id, status, severity, score, first_seen, last_seen, updated, search, doc)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    params,
  );
}

function writeBlock(b: Both, id: number, tenant: string, tMin: number, tMax: number, count: number): void {
  const day = Math.floor(tMin / DAY);
  b.reader.db
    .prepare(
      `INSERT INTO blocks (id, tenant, day, t_min, t_max, count, raw_bytes, codec, data) VALUES (?, ?, ?, ?, ?, ?, 0, 0, x'00')`,
    )
    .run(id, tenant, day, tMin, tMax, count);
  b.pg.run(
    `CREATE TABLE IF NOT EXISTS ev_blocks_t${day} PARTITION OF ev_blocks FOR VALUES FROM (${day}) TO (${day + 1})`,
  );
  b.pg.run(
    `INSERT INTO ev_blocks (id, tenant, day, t_min, t_max, count, raw_bytes, stored_bytes, codec, data)
     VALUES ($1, $2, $3, $4, $5, $6, 0, 0, 0, '\\x00'::bytea)`,
    [id, tenant, day, tMin, tMax, count],
  );
}

function land(b: Both, tenant: string, indicator: string, count: number): void {
  const params = [tenant, indicator, count];
  b.node
    .prepare(
      `INSERT INTO fed_landed (tenant, indicator, peer, count, first, last) VALUES (?, ?, 'peer-1', ?, 0, 0)
       ON CONFLICT (tenant, indicator, peer) DO UPDATE SET count = excluded.count`,
    )
    .run(...params);
  b.pg.run(
    `INSERT INTO fed_landed (tenant, indicator, peer, count, first, last) VALUES ($1, $2, 'peer-1', $3, 0, 0)
     ON CONFLICT (tenant, indicator, peer) DO UPDATE SET count = excluded.count`,
    params,
  );
}

/** The series by name, values as plain arrays, so the two sources compare whatever their row order. */
function byName(list: CountSeries[]): Record<string, { kind: string; values: number[] }> {
  return Object.fromEntries(
    [...list]
      .sort((a, b) => (a.series < b.series ? -1 : 1))
      .map((s) => [s.series, { kind: s.kind, values: [...s.values] }]),
  );
}

describe.skipIf(!('url' in probe))('count series on PostgreSQL and SQLite', () => {
  let b: Both;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await createScratchDb('intersoc_forecast_counts');
    if (!('url' in db)) throw new Error(db.unavailable);
    drop = db.drop;
    await migratePg(db.url);
    const pg = openSyncPg(db.url);
    const node = openDatabase(':memory:');
    migrateFederation(node);
    new SqliteIncidentStore(node); // the node database has its incident tables
    const reader = openEventReader(':memory:', createHydrator());
    const sqliteForecasts = new SqliteForecastStore(node);
    const pgForecasts = new PgForecastStore(pg);
    b = {
      node,
      reader,
      pg,
      sqliteForecasts,
      pgForecasts,
      sqlite: countSource(sqliteCountReads({ events: reader.db, node }), sqliteForecasts),
      postgres: pgCountSource({ pg, forecasts: pgForecasts }),
    };

    // Three days of alerts: more techniques than are kept (busiest first, ties by id), tactics,
    // alerts without lists, and some outside the window and of another tenant.
    let i = 0;
    for (let t = 0; t < MAX_TECHNIQUE_SERIES + 6; t++) {
      const technique = `T${1000 + t}`;
      for (let k = 0; k < 1 + (t % 7); k++) {
        const time = T0 + ((t * 13 + k * 29) % 72) * HOUR + k * 60_000;
        writeAlert(
          b,
          alert(
            i++,
            'acme',
            time,
            [technique, `${technique}.001`],
            k % 2 ? ['discovery'] : ['execution', 'persistence'],
          ),
        );
      }
    }
    writeAlert(b, alert(i++, 'acme', T0 + 5 * HOUR + 1, [], []));
    writeAlert(b, alert(i++, 'acme', T0 - 1, ['T1486'], ['impact'])); // before the window
    writeAlert(b, alert(i++, 'acme', T0 + 3 * DAY, ['T1486'], ['impact'])); // at its end: out
    for (let k = 0; k < 20; k++) writeAlert(b, alert(i++, 'globex', T0 + k * HOUR, ['T1566'], ['initial-access']));

    writeIncident(b, 'acme', 'inc-1', 'open', T0 + 2 * HOUR + 5);
    writeIncident(b, 'acme', 'inc-2', 'closed', T0 + 2 * HOUR + 9);
    writeIncident(b, 'acme', 'inc-3', 'merged', T0 + 2 * HOUR + 9);
    writeIncident(b, 'acme', 'inc-4', 'open', T0 + 50 * HOUR);
    writeIncident(b, 'acme', 'inc-5', 'open', T0 - HOUR);
    writeIncident(b, 'globex', 'inc-1', 'open', T0 + 3 * HOUR);

    writeBlock(b, 1, 'acme', T0 + 10 * HOUR + 5, T0 + 13 * HOUR + 7, 400);
    writeBlock(b, 2, 'acme', T0 + DAY + 1, T0 + DAY + 2, 7);
    writeBlock(b, 3, 'acme', T0 - DAY, T0 - DAY + 100, 99); // before the window
    writeBlock(b, 4, 'globex', T0 + HOUR, T0 + 2 * HOUR, 50);
  });

  afterAll(async () => {
    b.reader.close();
    b.node.close();
    await b.pg.close();
    await drop();
  });

  it('gives the same alert, technique, tactic, incident and event series as SQLite', () => {
    const from = T0;
    const to = T0 + 3 * DAY;
    const lite = byName(b.sqlite.hourly(acme, from, to));
    const pg = byName(b.postgres.hourly(acme, from, to));
    expect(pg).toEqual(lite);
    // what they agree on is what was written
    expect(lite['alerts']?.values.reduce((x, y) => x + y, 0)).toBe(
      Array.from({ length: MAX_TECHNIQUE_SERIES + 6 }, (_, t) => 1 + (t % 7)).reduce((x, y) => x + y, 0) + 1,
    );
    expect(Object.keys(lite).filter((s) => s.startsWith('technique:'))).toHaveLength(MAX_TECHNIQUE_SERIES);
    expect(lite['technique:T1486']).toBeUndefined();
    expect(lite['tactic:persistence']?.kind).toBe('tactic');
    expect(lite['incidents']?.values[2]).toBe(2);
    expect(lite['incidents']?.values[50]).toBe(1);
    expect(lite['events']?.values.slice(10, 14)).toEqual([100, 100, 100, 100]);
    expect(lite['events']?.values[24]).toBe(7);
    expect(lite['technique:T1566']).toBeUndefined();
  });

  it('keeps each tenant to its own rows', () => {
    const lite = byName(b.sqlite.hourly(globex, T0, T0 + DAY));
    expect(byName(b.postgres.hourly(globex, T0, T0 + DAY))).toEqual(lite);
    expect(Object.keys(lite)).toEqual([
      'alerts',
      'events',
      'incidents',
      'sightings',
      'tactic:initial-access',
      'technique:T1566',
    ]);
    expect(lite['alerts']?.values.reduce((x, y) => x + y, 0)).toBe(20);
    expect(
      byName(b.postgres.hourly(systemContext('initech'), T0, T0 + DAY))['alerts']?.values.every((v) => v === 0),
    ).toBe(true);
  });

  it('counts the growth of landed sightings alike, once however many samplers read it', () => {
    // tenants no earlier read has sampled
    const umbrella = systemContext('umbrella');
    const hooli = systemContext('hooli');
    const now = T0 + 30 * HOUR + 5;
    const pgOther = new PgForecastStore(b.pg);
    const sample = (ctx: AuthContext) => [
      sampleLanded(sqliteCountReads({ events: b.reader.db, node: b.node }), b.sqliteForecasts, ctx, now),
      sampleLanded(pgCountReads(b.pg), b.pgForecasts, ctx, now),
    ];
    land(b, 'umbrella', 'indicator--a', 40);
    expect(sample(umbrella)).toEqual([0, 0]); // the first read notes the total
    land(b, 'umbrella', 'indicator--a', 43);
    land(b, 'umbrella', 'indicator--b', 2);
    expect(sample(umbrella)).toEqual([5, 5]);
    // a second PostgreSQL sampler (another instance's store) finds nothing left to count
    expect(sampleLanded(pgCountReads(b.pg), pgOther, umbrella, now)).toBe(0);
    expect(sample(hooli)).toEqual([0, 0]);
    const lite = byName(b.sqlite.hourly(umbrella, T0, T0 + 2 * DAY))['sightings']?.values;
    expect(byName(b.postgres.hourly(umbrella, T0, T0 + 2 * DAY))['sightings']?.values).toEqual(lite);
    expect(lite?.[30]).toBe(5);
    expect(lite?.reduce((x, y) => x + y, 0)).toBe(5);
  });

  it('exports the same sector counts under the same pseudonym', () => {
    const key = Buffer.alloc(32, 7);
    const now = T0 + 4 * DAY + HOUR;
    const lite = sectorCounts(b.reader.db, key, acme, 'energy', 7, now);
    expect(pgSectorCounts(b.pg, key, acme, 'energy', 7, now)).toEqual(lite);
    expect(lite.length).toBeGreaterThan(MAX_TECHNIQUE_SERIES);
    expect(pgSectorCounts(b.pg, key, systemContext('initech'), 'energy', 7, now)).toEqual([]);
  });
});
