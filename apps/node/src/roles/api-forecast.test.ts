/**
 * The forecast routes of the api role on a real PostgreSQL server (a scratch database migrated by
 * `migratePg`): two API instances over their own connections (`openPgAuthStores` twice), as two
 * processes behind a load balancer. Eight weeks of alerts in `ev_alerts` are forecast through one
 * instance and read through the other, within the caller's tenant only; sector counts posted to
 * one are summed by the other; the periodic refresh of every tenant runs in one instance at a time
 * (a held advisory lock makes both skip it), and a timer skips a round another instance began
 * less than a period ago; an incident's likely next steps are refused as not served. Skips, and
 * says so, only when PostgreSQL is unreachable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext, type Role } from '@intersoc/core';
import { migratePg, openSyncPg } from '@intersoc/storage/postgres';
import { registerApiForecast, type ApiForecast } from './api-forecast.js';
import { apiInstance, closeInstance, injectJson, scratchPg, seedUsers, type ApiInstance } from './internal/testing.js';

const db = await scratchPg('intersoc_api_forecast', 'api role forecast tests');

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const USERS: readonly [string, string, Role][] = [
  ['acme', 'annie', 'analyst'],
  ['acme', 'victor', 'viewer'],
  ['globex', 'gina', 'admin'],
];

type Instance = ApiInstance<ApiForecast>;

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-api-forecast-'));
let tokens: Record<string, string> = {};
const errors: unknown[] = [];
let a: Instance;
let b: Instance;

const instance = (url: string, refreshMinutes = 0): Promise<Instance> =>
  apiInstance(url, {
    register: (app, stores) =>
      registerApiForecast(app, {
        pg: stores.pg,
        data: dir,
        refreshMinutes,
        tenants: async () => (await stores.tenants.list(systemContext('default'))).map((t) => t.name),
        onError: (err) => errors.push(err),
      }),
  });

/** Closes the forecast's timer, then the instance. */
async function close(i: Instance): Promise<void> {
  i.domain.close();
  await closeInstance(i);
}

const call = (at: Instance, user: string, method: string, url: string, body?: unknown) =>
  injectJson(at, tokens[user], method, url, body);

beforeAll(async () => {
  if (!db) return;
  await migratePg(db.url);
  a = await instance(db.url);
  b = await instance(db.url);
  tokens = await seedUsers(a.stores, USERS);
  // Eight weeks of office-hours scanning alerts (1 to 3 an hour), as the detect roles store them.
  const start = Math.floor(Date.now() / DAY) * DAY - 56 * DAY;
  a.stores.pg.run(
    `INSERT INTO ev_alerts (id, tenant, time, created, severity, rule_id, doc)
     SELECT 'scan-' || g || '-' || k, 'acme', $1::bigint + g * ${HOUR} + k * 60000, $1::bigint + g * ${HOUR}, 'low', 'scan',
            json_build_object('techniques', json_build_array('T1046'), 'tactics', json_build_array('discovery'))::text
       FROM generate_series(0::bigint, 56 * 24 - 1) g, generate_series(0, 2) k
      WHERE g % 24 BETWEEN 8 AND 17 AND k <= (g / 24 * 7 + g % 24) % 3`,
    [start],
  );
  a.stores.pg.run(
    `INSERT INTO incidents (tenant, id, status, severity, score, first_seen, last_seen, updated, search, doc)
     VALUES ('acme', 'inc-1', 'open', 'high', 50, $1, $1, $1, '', '{}')`,
    [start + 40 * DAY + 9 * HOUR],
  );
});

afterAll(async () => {
  for (const i of [a, b]) if (i) await close(i);
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!db)('forecast routes of the api role (PostgreSQL)', () => {
  it('forecasts through one instance what the other reads, from the alerts in ev_alerts', async () => {
    expect((await call(a, 'victor', 'POST', '/api/forecast/refresh')).status).toBe(403);
    const r = await call(a, 'annie', 'POST', '/api/forecast/refresh');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body['series']).toBe(6); // alerts, incidents, events, sightings, T1046, discovery
    const list = (await call(b, 'victor', 'GET', '/api/forecast/series?granularity=hour')).body['items'] as {
      series: string;
    }[];
    expect(list.map((x) => x.series).sort()).toEqual([
      'alerts',
      'events',
      'incidents',
      'sightings',
      'tactic:discovery',
      'technique:T1046',
    ]);
    const detail = (await call(b, 'victor', 'GET', '/api/forecast/detail?series=technique:T1046&granularity=hour'))
      .body;
    expect(detail['points']).toHaveLength(168);
    const history = detail['history'] as number[];
    expect(history.length).toBeGreaterThanOrEqual(56 * 24);
    // day 0, 08:00: (0 + 8) % 3 = 2, so three alerts; 07:00 none
    expect(history.slice(7, 9)).toEqual([0, 3]);
    const incidents = (await call(b, 'victor', 'GET', '/api/forecast/detail?series=incidents&granularity=day')).body;
    expect((incidents['history'] as number[]).reduce((x, y) => x + y, 0)).toBe(1);
  });

  it('keeps tenants apart', async () => {
    expect((await call(b, 'gina', 'GET', '/api/forecast/series')).body['items']).toEqual([]);
    expect((await call(b, 'gina', 'GET', '/api/forecast/detail?series=alerts')).status).toBe(404);
    expect((await call(a, 'victor', 'GET', '/api/forecast/series?tenant=globex')).status).toBe(403);
    expect((await call(a, 'gina', 'GET', '/api/forecast/warnings')).body['items']).toEqual([]);
    const exported = (await call(a, 'gina', 'GET', '/api/forecast/sector/export?sector=energy&days=56')).body;
    expect(exported['counts']).toEqual([]);
  });

  it('sums sector counts posted to one instance in the other, and exports the tenant’s own', async () => {
    const day = Math.floor(Date.now() / DAY) * DAY - DAY;
    const counts = [
      { sector: 'energy', technique: 'T1486', member: 'm-1', day, count: 4 },
      { sector: 'energy', technique: 'T1486', member: 'm-2', day, count: 3 },
    ];
    expect((await call(a, 'gina', 'POST', '/api/forecast/sector/counts', { counts })).body).toEqual({ stored: 2 });
    const refreshed = await call(b, 'gina', 'POST', '/api/forecast/sector/refresh');
    expect(refreshed.status).toBe(200);
    expect(refreshed.body['trends']).toMatchObject([{ sector: 'energy', technique: 'T1486', members: 2 }]);
    expect((await call(a, 'gina', 'GET', '/api/forecast/sector')).body['items']).toMatchObject([
      { sector: 'energy', technique: 'T1486', members: 2 },
    ]);
    expect((await call(a, 'annie', 'GET', '/api/forecast/sector')).body['items']).toEqual([]);
    // acme's own alerts per technique and day, the same pseudonym from either instance
    const mine = (await call(a, 'annie', 'GET', '/api/forecast/sector/export?sector=energy&days=7')).body['counts'] as {
      technique: string;
      member: string;
      count: number;
    }[];
    expect(mine).toHaveLength(7);
    expect(new Set(mine.map((c) => c.technique))).toEqual(new Set(['T1046']));
    expect((await call(b, 'annie', 'GET', '/api/forecast/sector/export?sector=energy&days=7')).body['counts']).toEqual(
      mine,
    );
  });

  it('refreshes every tenant in one instance at a time', async () => {
    const holder = openSyncPg(db?.url ?? '');
    try {
      holder.query("SELECT pg_advisory_lock(hashtext('intersoc.forecast'), hashtext('refresh-all'))");
      expect(await a.domain.refreshAll()).toEqual({ ran: false, warnings: [] });
      expect(await b.domain.refreshAll()).toEqual({ ran: false, warnings: [] });
      holder.query("SELECT pg_advisory_unlock(hashtext('intersoc.forecast'), hashtext('refresh-all'))");
      const before = (await call(b, 'gina', 'GET', '/api/forecast/series')).body['items'] as unknown[];
      expect((await a.domain.refreshAll()).ran).toBe(true);
      // the lock was released: the other instance refreshes next
      expect((await b.domain.refreshAll()).ran).toBe(true);
      expect(errors).toEqual([]);
      // globex, never refreshed on request, now has its series (and its sector view)
      const after = (await call(a, 'gina', 'GET', '/api/forecast/series')).body['items'] as { series: string }[];
      expect(before.filter((f) => !JSON.stringify(f).includes('sector:'))).toEqual([]);
      expect(after.map((f) => f.series)).toContain('alerts');
      expect(after.map((f) => f.series)).toContain('sector:energy:T1486');
      // a timer's round (every hour here) is skipped: another instance began one less than an hour ago
      const c = await instance(db?.url ?? '', 60);
      try {
        expect(await c.domain.refreshAll({ ifDue: true })).toEqual({ ran: false, warnings: [] });
        expect((await c.domain.refreshAll()).ran).toBe(true);
      } finally {
        await close(c);
      }
    } finally {
      await holder.close();
    }
  });

  it('predicts next steps, and refuses an incident’s next steps as not served', async () => {
    const p = await call(b, 'victor', 'GET', '/api/forecast/predict?techniques=T1566.001,T1204.002&top=3');
    expect(p.status).toBe(200);
    expect(p.body['techniques']).toHaveLength(3);
    const next = await call(a, 'victor', 'GET', '/api/incidents/inc-1/next');
    expect(next.status).toBe(415);
    expect(JSON.stringify(next.body)).toContain('not served by the api role');
    expect((await call(a, 'gina', 'GET', '/api/incidents/inc-1/next')).status).toBe(415);
  });
});
