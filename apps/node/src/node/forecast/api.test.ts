/**
 * Forecasts, warnings, the sector view and incidents' likely next steps through the real API:
 * real auth stores, a real events database with eight weeks of alerts, the real incident stage,
 * the node's rule service over the starter pack, and the released next-step model.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, systemContext, type Alert, type Role } from '@intersoc/core';
import { buildApi, type BuiltApi } from '@intersoc/api';
import { InProcessBus } from '@intersoc/bus';
import {
  openDatabase,
  openEventReader,
  openSqliteAuthStores,
  parseQuery,
  type SqliteEventReader,
} from '@intersoc/storage';
import { createHydrator } from '../../pipeline/hydrator.js';
import { attachIncidents, type AttachedIncidents } from '../incidents/attach.js';
import { attachForecasts, type AttachedForecasts } from './attach.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const USERS: readonly [string, string, Role][] = [
  ['acme', 'annie', 'analyst'],
  ['acme', 'victor', 'viewer'],
  ['globex', 'gina', 'admin'],
];

let api: BuiltApi;
let reader: SqliteEventReader;
let incidents: AttachedIncidents;
let forecasts: AttachedForecasts;
let bus: InProcessBus;
const data = mkdtempSync(path.join(tmpdir(), 'intersoc-forecast-api-'));
const tokens: Record<string, string> = {};
let incidentId = '';

beforeAll(async () => {
  const db = openDatabase(':memory:');
  const stores = openSqliteAuthStores(db);
  const operator = systemContext('default');
  for (const t of ['acme', 'globex']) await stores.tenants.create(operator, { name: t });
  for (const [tenant, name, role] of USERS) {
    await stores.users.create(systemContext(tenant), { name, role });
    tokens[name] = (await stores.tokens.create(systemContext(tenant), { user: name, name: 'test' })).secret;
  }
  const unsupported = (): never => {
    throw new AppError('UNSUPPORTED', 'not part of this test');
  };
  api = await buildApi({
    stores,
    services: {
      ingest: { ingest: async () => unsupported() },
      search: {
        searchEvents: async () => unsupported(),
        getEvent: async () => undefined,
        searchAlerts: async () => unsupported(),
        listDeadLetters: async () => unsupported(),
      },
    },
    registry: new Registry(),
  });
  reader = openEventReader(':memory:', createHydrator());
  bus = new InProcessBus();
  const config = { data, forecast: { refreshMinutes: 0 } } as never;
  incidents = attachIncidents(api.app, {
    config,
    db,
    reader,
    bus,
    reloadDetectors: async () => undefined,
    onError: (err) => {
      throw err;
    },
  });
  forecasts = attachForecasts(api.app, {
    config,
    db,
    reader,
    bus,
    tenants: async () => ['acme', 'globex'],
    onError: (err) => {
      throw err;
    },
  });
  const put = reader.db.prepare(
    'INSERT INTO alerts (id, tenant, time, created, severity, rule_id, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const start = Math.floor(Date.now() / DAY) * DAY - 56 * DAY;
  const insert = (a: Alert): void => {
    put.run(a.id, a.tenant, a.time, a.created, a.severity, a.detector.ruleId, JSON.stringify(a));
  };
  // eight weeks of office-hours scanning alerts (a daily cycle), and one phishing chain at the end
  let n = 0;
  for (let d = 0; d < 56; d++)
    for (let h = 8; h < 18; h++)
      for (let k = 0; k < 1 + ((d * 7 + h) % 3); k++)
        insert({
          id: `scan-${n++}`,
          tenant: 'acme',
          created: start + d * DAY + h * HOUR,
          time: start + d * DAY + h * HOUR + k * 60_000,
          detector: { kind: 'sigma', ruleId: 'scan', ruleTitle: 'Network scan' },
          severity: 'low',
          tactics: ['discovery'],
          techniques: ['T1046'],
          entities: [{ type: 'ip', value: `198.51.100.${(n % 50) + 1}`, role: 'source' }],
          eventIds: [`scan-event-${n}`],
          summary: 'scan',
        });
  const chain: [string, string][] = [
    ['T1566.001', 'initial-access'],
    ['T1204.002', 'execution'],
    ['T1059.001', 'execution'],
  ];
  chain.forEach(([technique, tactic], i) =>
    insert({
      id: `chain-${i}`,
      tenant: 'acme',
      created: Date.now() - DAY + i * 60_000,
      time: Date.now() - DAY + i * 60_000,
      detector: { kind: 'sigma', ruleId: `chain-${i}`, ruleTitle: `Chain ${technique}` },
      severity: 'high',
      tactics: [tactic],
      techniques: [technique],
      entities: [
        { type: 'host', value: 'WKS-7' },
        { type: 'user', value: 'eve' },
      ],
      eventIds: [`chain-event-${i}`],
      summary: technique,
    }),
  );
  incidents.stage.catchUp();
  incidentId =
    incidents.stage.incidents.list(systemContext('acme')).items.find((i) => i.techniques.includes('T1059.001'))?.id ??
    '';
  await api.app.ready();
});

afterAll(async () => {
  forecasts.close();
  incidents.close();
  await api.app.close();
  await bus.close();
  reader.close();
  rmSync(data, { recursive: true, force: true });
});

async function call(user: string | undefined, method: string, url: string, payload?: unknown) {
  const res = await api.app.inject({
    method: method as 'GET',
    url,
    headers: {
      ...(user ? { authorization: `Bearer ${tokens[user] ?? ''}` } : {}),
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
  return { status: res.statusCode, json: () => res.json() as Record<string, unknown> };
}

describe('forecast API', () => {
  it('forecasts the tenant’s series with the chosen model and its backtest beside seasonal naive', async () => {
    const r = await call('annie', 'POST', '/api/forecast/refresh');
    expect(r.status, JSON.stringify(r.json())).toBe(200);
    expect(r.json()['series']).toBeGreaterThanOrEqual(5);
    const list = (await call('victor', 'GET', '/api/forecast/series?granularity=hour')).json()['items'] as {
      series: string;
      model: string;
      mase: number;
      baseline_mase: number;
    }[];
    const names = list.map((x) => x.series);
    for (const s of ['alerts', 'incidents', 'events', 'sightings', 'technique:T1046', 'tactic:discovery'])
      expect(names).toContain(s);
    const alerts = list.find((x) => x.series === 'alerts');
    expect(alerts?.mase).toBeLessThanOrEqual(alerts?.baseline_mase ?? 0);
    const detail = (await call('victor', 'GET', '/api/forecast/detail?series=technique:T1046&granularity=hour')).json();
    expect((detail['points'] as unknown[]).length).toBe(168);
    // eight weeks from a day boundary up to the last complete hour
    const history = (detail['history'] as unknown[]).length;
    expect(history).toBeGreaterThanOrEqual(56 * 24);
    expect(history).toBeLessThan(57 * 24);
    expect(
      (await call('victor', 'GET', '/api/forecast/detail?series=alerts&granularity=day')).json()['points'],
    ).toHaveLength(14);
  });

  it('needs a login and a writer role to refresh, and keeps tenants apart', async () => {
    expect((await call(undefined, 'GET', '/api/forecast/series')).status).toBe(401);
    expect((await call('victor', 'POST', '/api/forecast/refresh')).status).toBe(403);
    expect((await call('victor', 'GET', '/api/forecast/series?tenant=globex')).status).toBe(403);
    expect((await call('gina', 'GET', '/api/forecast/series')).json()['items']).toEqual([]);
    expect((await call('gina', 'GET', '/api/forecast/detail?series=alerts')).status).toBe(404);
    expect((await call('gina', 'GET', `/api/incidents/${incidentId}/next`)).status).toBe(404);
  });

  it('refuses malformed input with 400', async () => {
    expect((await call('victor', 'GET', '/api/forecast/detail?series=a%20b')).status).toBe(400);
    expect((await call('victor', 'GET', '/api/forecast/warnings?limit=0')).status).toBe(400);
    const bad = { counts: [{ sector: 'energy', technique: 'X1486', member: 'm1', day: 0, count: 1 }] };
    expect((await call('annie', 'POST', '/api/forecast/sector/counts', bad)).status).toBe(400);
    const offDay = { counts: [{ sector: 'energy', technique: 'T1486', member: 'm1', day: 5, count: 1 }] };
    expect((await call('annie', 'POST', '/api/forecast/sector/counts', offDay)).status).toBe(400);
    expect((await call('victor', 'GET', '/api/forecast/predict?techniques=nope')).status).toBe(400);
    const p = (await call('victor', 'GET', '/api/forecast/predict?techniques=T1566.001,T1204.002&top=5')).json();
    expect((p['techniques'] as unknown[]).length).toBe(5);
  });

  it('shows an incident’s likely next steps with rules, a hunt that parses, and coverage', async () => {
    expect(incidentId).not.toBe('');
    const r = await call('victor', 'GET', `/api/incidents/${incidentId}/next?top=10`);
    expect(r.status).toBe(200);
    const body = r.json() as {
      observed: string[];
      tactics: { id: string; name: string }[];
      techniques: {
        id: string;
        rules: { title: string; enabled: boolean }[];
        hunt: { query: string; from: number; to: number } | null;
        coverage: string;
        gap?: string;
      }[];
    };
    expect(body.observed).toEqual(['T1566.001', 'T1204.002', 'T1059.001']);
    expect(body.tactics[0]?.id).toMatch(/^TA\d{4}$/);
    expect(body.techniques).toHaveLength(10);
    expect(body.techniques.map((t) => t.id)).not.toContain('T1059.001');
    for (const t of body.techniques) {
      expect(['covered', 'disabled', 'no-rule', 'no-data']).toContain(t.coverage);
      if (t.rules.length === 0) expect(t).toMatchObject({ coverage: 'no-rule', hunt: null });
      if (t.hunt) {
        expect(() => parseQuery(t.hunt?.query ?? '')).not.toThrow();
        expect(t.hunt.to - t.hunt.from).toBe(3 * DAY);
      }
      if (t.coverage !== 'covered') expect(t.gap).toBeTruthy();
    }
    // the starter pack has rules for some of the likely next steps, and they come with hunts
    expect(body.techniques.some((t) => t.rules.length > 0 && t.hunt !== null)).toBe(true);
  });

  it('exports a member’s counts under a pseudonym that a national node adds up', async () => {
    expect((await call('victor', 'GET', '/api/forecast/sector/export?sector=energy')).status).toBe(403);
    const r = await call('annie', 'GET', '/api/forecast/sector/export?sector=energy');
    expect(r.status).toBe(200);
    const counts = r.json()['counts'] as {
      sector: string;
      technique: string;
      member: string;
      day: number;
      count: number;
    }[];
    expect(counts.length).toBeGreaterThanOrEqual(50);
    expect(new Set(counts.map((c) => c.member)).size).toBe(1);
    expect(counts[0]?.member).toMatch(/^m-[0-9a-f]{32}$/);
    expect(JSON.stringify(counts)).not.toMatch(/acme|annie|198\.51\.100/);
    expect(counts.every((c) => c.day % DAY === 0 && c.day < Date.now())).toBe(true);
    // another sector gets another pseudonym
    const other = (await call('annie', 'GET', '/api/forecast/sector/export?sector=water')).json()['counts'] as {
      member: string;
    }[];
    expect(other[0]?.member).not.toBe(counts[0]?.member);
    // globex, here the national node, adds them up
    expect((await call('gina', 'POST', '/api/forecast/sector/counts', { counts })).status).toBe(200);
    const trends = (await call('gina', 'POST', '/api/forecast/sector/refresh')).json()['trends'] as {
      technique: string;
      members: number;
    }[];
    expect(trends.find((t) => t.technique === 'T1046')).toMatchObject({ members: 1 });
  });

  it('combines members’ shared counts into the sector view', async () => {
    const today = Math.floor(Date.now() / DAY) * DAY;
    const counts = [];
    for (const member of ['p-1', 'p-2'])
      for (let d = 1; d <= 56; d++)
        counts.push({ sector: 'energy', technique: 'T1486', member, day: today - d * DAY, count: d <= 7 ? 12 - d : 1 });
    expect((await call('annie', 'POST', '/api/forecast/sector/counts', { counts })).json()).toEqual({ stored: 112 });
    const r = (await call('annie', 'POST', '/api/forecast/sector/refresh')).json() as {
      trends: { message: string; direction: string; ratio: number }[];
    };
    expect(r.trends[0]?.message).toMatch(/^T1486 across energy members: [\d.]+× the seasonal level, rising$/);
    const view = (await call('victor', 'GET', '/api/forecast/sector')).json()['items'] as { members: number }[];
    expect(view[0]?.members).toBe(2);
    expect((await call('victor', 'GET', '/api/forecast/warnings')).json()['items']).toEqual(
      expect.arrayContaining([expect.objectContaining({ series: 'sector:energy:T1486', kind: 'rising' })]),
    );
  });
});
