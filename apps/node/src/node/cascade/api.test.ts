import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { AppError, systemContext, type Alert, type Role } from '@intersoc/core';
import { buildApi, type BuiltApi } from '@intersoc/api';
import { InProcessBus } from '@intersoc/bus';
import { openDatabase, openEventReader, openSqliteAuthStores, type SqliteEventReader } from '@intersoc/storage';
import { createHydrator } from '../../pipeline/hydrator.js';
import { attachIncidents, type AttachedIncidents } from '../incidents/attach.js';
import { attachCascade, type AttachedCascade } from './attach.js';

const USERS: readonly [string, string, Role][] = [
  ['acme', 'annie', 'analyst'],
  ['acme', 'victor', 'viewer'],
  ['acme', 'paul', 'partner'],
  ['globex', 'gina', 'admin'],
];
const CSV = `source,target,type,strength,min_inputs_of_source
telecom-site-7,substation-1,physical,1,1
payments,telecom-site-7,cyber,0.5,1
shop,payments,logical,1,1
`;

let api: BuiltApi;
let reader: SqliteEventReader;
let incidents: AttachedIncidents;
let cascade: AttachedCascade;
let bus: InProcessBus;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  const db = openDatabase(':memory:');
  const stores = openSqliteAuthStores(db);
  const operator = systemContext('default');
  await stores.tenants.create(operator, { name: 'acme' });
  await stores.tenants.create(operator, { name: 'globex' });
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
  const config = { data: '/nonexistent' } as never;
  incidents = attachIncidents(api.app, {
    config,
    db,
    reader,
    bus,
    reloadDetectors: async () => undefined,
    onError: (e) => {
      throw e;
    },
  });
  cascade = attachCascade(api.app, { config, db, bus, log: () => undefined });
  await api.app.ready();
});

afterAll(async () => {
  cascade.close();
  incidents.close();
  await api.app.close();
  await bus.close();
  reader.close();
});

async function call(user: string | undefined, method: string, url: string, body?: unknown) {
  const r = await api.app.inject({
    method: method as 'GET',
    url,
    headers: user === undefined ? {} : { authorization: `Bearer ${tokens[user] ?? ''}` },
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  });
  return {
    status: r.statusCode,
    body: r.body.startsWith('{') ? (JSON.parse(r.body) as Record<string, unknown>) : r.body,
    type: r.headers['content-type'],
  };
}

describe('cascade API', () => {
  it('imports for analysts only, within the caller’s tenant', async () => {
    expect((await call(undefined, 'GET', '/api/cascade/graphs')).status).toBe(401);
    expect((await call('paul', 'GET', '/api/cascade/graphs')).status).toBe(403);
    expect((await call('victor', 'PUT', '/api/cascade/graphs/grid', { content: CSV })).status).toBe(403);
    const r = await call('annie', 'PUT', '/api/cascade/graphs/grid', { content: CSV });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ format: 'csv', info: { name: 'grid', entities: 4, dependencies: 3 } });
    expect((await call('victor', 'GET', '/api/cascade/graphs')).body).toMatchObject({ items: [{ name: 'grid' }] });
    expect((await call('gina', 'GET', '/api/cascade/graphs')).body).toEqual({ items: [] });
    expect((await call('gina', 'GET', '/api/cascade/graphs/grid')).status).toBe(404);
  });

  it('refuses bad documents with a 4xx and a reason', async () => {
    const bomb = await call('annie', 'PUT', '/api/cascade/graphs/x', {
      content: '<!DOCTYPE a [<!ENTITY b "c">]><graphml/>',
    });
    expect(bomb.status).toBeGreaterThanOrEqual(400);
    expect(bomb.status).toBeLessThan(500);
    const bad = await call('annie', 'PUT', '/api/cascade/graphs/x', { content: 'source,target,type\na,b,nuclear\n' });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    expect(JSON.stringify(bad.body)).toContain('line 2');
    expect((await call('annie', 'PUT', '/api/cascade/graphs/..%2Fx', { content: CSV })).status).toBe(400);
  });

  it('runs what-if for viewers: rounds, timeline, sectors and Monte Carlo', async () => {
    const r = await call('victor', 'POST', '/api/cascade/graphs/grid/whatif', {
      fail: ['substation-1'],
      runs: 2000,
      seed: 3,
    });
    expect(r.status).toBe(200);
    const b = r.body as {
      failed: string[];
      steps: string[][];
      monteCarlo: { entities: { id: string; probability: number }[] };
    };
    expect(b.steps).toEqual([['substation-1'], ['telecom-site-7'], ['payments'], ['shop']]);
    const p = Object.fromEntries(b.monteCarlo.entities.map((e) => [e.id, e.probability]));
    expect(Math.abs((p['payments'] ?? 0) - 0.5)).toBeLessThan(0.05);
    expect((await call('victor', 'POST', '/api/cascade/graphs/grid/whatif', { fail: ['nope'] })).status).toBe(404);
    expect((await call('victor', 'POST', '/api/cascade/graphs/grid/whatif', { fail: [] })).status).toBe(400);
  });

  it('ranks criticality, solves the IIM and exports', async () => {
    const c = await call('victor', 'GET', '/api/cascade/graphs/grid/criticality?top=2');
    expect(c.body).toMatchObject({
      entities: [
        { id: 'substation-1', removalImpact: 3 },
        { id: 'telecom-site-7', removalImpact: 2 },
      ],
    });
    const q = await call('victor', 'POST', '/api/cascade/iim', {
      matrix: [
        [0, 0.2],
        [0.3, 0],
      ],
      perturbation: [0.1, 0],
    });
    expect((q.body as { q: number[] }).q[0]).toBeCloseTo(0.1 / 0.94, 12);
    const sectors = await call('victor', 'POST', '/api/cascade/iim', { perturbation: [0.5, 0, 0, 0, 0, 0, 0, 0] });
    expect((sectors.body as { sectors: string[] }).sectors[0]).toBe('energy');
    expect((await call('victor', 'POST', '/api/cascade/iim', { matrix: [[1]], perturbation: [1] })).status).toBe(400);
    const xml = await call('victor', 'GET', '/api/cascade/graphs/grid/export?format=graphml');
    expect(xml.type).toContain('graphml');
    expect(String(xml.body)).toContain('<edge source="payments" target="telecom-site-7">');
    expect((await call('victor', 'GET', '/api/cascade/sectors')).body).toMatchObject({
      source: expect.stringMatching(/expert-judgement estimate/i),
    });
  });

  it('gives an incident on a modelled asset its cascade impact', async () => {
    await call('annie', 'PUT', '/api/cascade/graphs/grid', {
      format: 'json',
      content: {
        entities: [
          { id: 'substation-1', asset: 'wks-1', sector: 'energy' },
          { id: 'payments', kind: 'service', sector: 'finance' },
        ],
        dependencies: [{ source: 'payments', target: 'substation-1', type: 'physical', ttiHours: 2 }],
      },
    });
    const alert: Alert = {
      id: 'alert-1',
      tenant: 'acme',
      created: Date.now(),
      time: Date.now(),
      detector: { kind: 'sigma', ruleId: 'r1', ruleTitle: 'Rule' },
      severity: 'high',
      tactics: ['impact'],
      techniques: ['T1485'],
      eventIds: ['e1'],
      summary: 'wiper on wks-1',
      entities: [{ type: 'host', value: 'WKS-1' }],
    };
    reader.db
      .prepare('INSERT INTO alerts (id, tenant, time, created, severity, rule_id, doc) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(
        alert.id,
        alert.tenant,
        alert.time,
        alert.created,
        alert.severity,
        alert.detector.ruleId,
        JSON.stringify(alert),
      );
    expect(incidents.stage.catchUp()).toBe(1);
    const id = incidents.stage.incidents.list(systemContext('acme')).items[0]?.id ?? '';
    let impact: { status: number; body: unknown } = { status: 0, body: undefined };
    for (let i = 0; i < 50 && impact.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      impact = await call('victor', 'GET', `/api/cascade/incidents/${id}`);
    }
    expect(impact.status).toBe(200);
    const g = (impact.body as { graphs: { atRisk: { id: string; at: number }[] }[] }).graphs[0];
    expect(g?.atRisk).toEqual([expect.objectContaining({ id: 'payments', at: 2 })]);
    expect((await call('gina', 'GET', `/api/cascade/incidents/${id}`)).status).toBe(404);
  });
});
