/**
 * The cascade routes of the api role on a real PostgreSQL server (a scratch database migrated by
 * `migratePg`): two API instances over their own connections (`openPgAuthStores` twice), as two
 * processes behind a load balancer. A graph imported through one is read, analysed and deleted
 * through the other, within the caller's tenant only; the settings come from `<data>/cascade.json`;
 * an impact and a warning stored in the database are served by both; sharing edges is refused as
 * not served. Skips, and says so, only when PostgreSQL is unreachable.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext, type Role } from '@intersoc/core';
import { warningId, type CascadeService } from '@intersoc/cascade';
import { migratePg } from '@intersoc/storage/postgres';
import { registerApiCascade } from './api-cascade.js';
import { apiInstance, closeInstance, injectAs, scratchPg, seedUsers, type ApiInstance } from './internal/testing.js';

const db = await scratchPg('intersoc_api_cascade', 'api role cascade tests');

const USERS: readonly [string, string, Role][] = [
  ['acme', 'annie', 'analyst'],
  ['acme', 'victor', 'viewer'],
  ['globex', 'gina', 'admin'],
];
const CSV = `source,target,type,strength,min_inputs_of_source
telecom-site-7,substation-1,physical,1,1
payments,telecom-site-7,cyber,0.5,1
shop,payments,logical,1,1
`;

type Instance = ApiInstance<CascadeService>;

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-api-cascade-'));
let tokens: Record<string, string> = {};
let a: Instance;
let b: Instance;

const instance = (url: string): Promise<Instance> =>
  apiInstance(url, { register: (app, stores) => registerApiCascade(app, { pg: stores.pg, data: dir }) });

async function call(at: Instance, user: string, method: string, url: string, body?: unknown) {
  const r = await injectAs(at, tokens[user], method, url, body);
  return { status: r.status, body: r.text.startsWith('{') ? r.json() : r.text, type: r.type };
}

beforeAll(async () => {
  if (!db) return;
  await migratePg(db.url);
  writeFileSync(path.join(dir, 'cascade.json'), JSON.stringify({ maxWork: 10_000 }));
  a = await instance(db.url);
  b = await instance(db.url);
  tokens = await seedUsers(a.stores, USERS);
});

afterAll(async () => {
  for (const i of [a, b]) if (i) await closeInstance(i);
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!db)('cascade routes of the api role (PostgreSQL)', () => {
  it('imports through one instance; the other reads, analyses and exports it, within the tenant', async () => {
    expect((await call(a, 'victor', 'PUT', '/api/cascade/graphs/grid', { content: CSV })).status).toBe(403);
    const put = await call(a, 'annie', 'PUT', '/api/cascade/graphs/grid', { content: CSV });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ format: 'csv', info: { name: 'grid', entities: 4, dependencies: 3 } });
    expect((await call(b, 'victor', 'GET', '/api/cascade/graphs')).body).toMatchObject({
      items: [{ name: 'grid', version: 1, entities: 4 }],
    });
    const view = await call(b, 'victor', 'GET', '/api/cascade/graphs/grid');
    expect((view.body as { entities: { id: string }[] }).entities.map((e) => e.id).sort()).toEqual([
      'payments',
      'shop',
      'substation-1',
      'telecom-site-7',
    ]);
    expect((await call(b, 'gina', 'GET', '/api/cascade/graphs')).body).toEqual({ items: [] });
    expect((await call(b, 'gina', 'GET', '/api/cascade/graphs/grid')).status).toBe(404);

    const w = await call(b, 'victor', 'POST', '/api/cascade/graphs/grid/whatif', { fail: ['substation-1'] });
    expect((w.body as { steps: string[][] }).steps).toEqual([
      ['substation-1'],
      ['telecom-site-7'],
      ['payments'],
      ['shop'],
    ]);
    // maxWork of this host's cascade.json: 10,000 runs over 3 dependencies are too many.
    const big = await call(b, 'victor', 'POST', '/api/cascade/graphs/grid/whatif', {
      fail: ['substation-1'],
      runs: 10_000,
    });
    expect(big.body).toMatchObject({ error: { code: 'EXPENSIVE_QUERY' } });
    expect((await call(a, 'victor', 'GET', '/api/cascade/graphs/grid/criticality?top=1')).body).toMatchObject({
      entities: [{ id: 'substation-1', removalImpact: 3 }],
    });
    const xml = await call(b, 'victor', 'GET', '/api/cascade/graphs/grid/export?format=graphml');
    expect(String(xml.body)).toContain('<edge source="payments" target="telecom-site-7">');
    expect((await call(b, 'victor', 'GET', '/api/cascade/sectors')).status).toBe(200);
  });

  it('sees the other instance replace and delete a graph it has analysed', async () => {
    await call(a, 'annie', 'PUT', '/api/cascade/graphs/g2', { content: 'source,target\nb,a\n' });
    expect((await call(b, 'victor', 'GET', '/api/cascade/graphs/g2/criticality')).status).toBe(200);
    await call(a, 'annie', 'PUT', '/api/cascade/graphs/g2', { content: 'source,target\nb,a\nc,b\n' });
    const w = await call(b, 'victor', 'POST', '/api/cascade/graphs/g2/whatif', { fail: ['a'] });
    expect((w.body as { failed: string[] }).failed).toEqual(['a', 'b', 'c']);
    expect((await call(b, 'gina', 'DELETE', '/api/cascade/graphs/g2')).status).toBe(404);
    expect((await call(b, 'annie', 'DELETE', '/api/cascade/graphs/g2')).status).toBeLessThan(300);
    expect((await call(a, 'victor', 'POST', '/api/cascade/graphs/g2/whatif', { fail: ['a'] })).status).toBe(404);
  });

  it('serves impacts and warnings stored in the database by either instance, per tenant', async () => {
    const acme = systemContext('acme');
    await call(a, 'annie', 'PUT', '/api/cascade/graphs/plant', {
      format: 'json',
      content: {
        entities: [
          { id: 'substation-1', asset: 'wks-1', sector: 'energy' },
          { id: 'payments', kind: 'service' },
        ],
        dependencies: [{ source: 'payments', target: 'substation-1', type: 'physical', ttiHours: 2 }],
      },
    });
    expect(a.domain.assessIncident(acme, { id: 'inc-1', hosts: ['WKS-1'], firstSeen: 1000 })).toBeDefined();
    const impact = await call(b, 'victor', 'GET', '/api/cascade/incidents/inc-1');
    expect(impact.status).toBe(200);
    expect((impact.body as { graphs: { graph: string }[] }).graphs.map((g) => g.graph)).toEqual(['plant']);
    expect((await call(b, 'gina', 'GET', '/api/cascade/incidents/inc-1')).status).toBe(404);

    const id = warningId('inc-1', 'f'.repeat(32), 0);
    a.domain.recordSent(acme, {
      id,
      fromOrg: 'energy-op',
      toOrg: 'telecom-op',
      toPeer: 'f'.repeat(32),
      originTime: '2026-03-01T10:00:00.000Z',
      failed: [{ entity: 'substation-1', hours: 0 }],
      threatened: [{ entity: 'site-7', org: 'telecom-op', hours: 4, probability: 1 }],
      confidence: 100,
      hops: 0,
      path: ['energy-op'],
      summary: 'test',
    });
    const list = await call(b, 'victor', 'GET', '/api/cascade/warnings');
    expect(JSON.stringify(list.body)).toContain(id);
    expect(JSON.stringify((await call(b, 'gina', 'GET', '/api/cascade/warnings')).body)).not.toContain(id);
  });

  it('refuses sharing edges with peers as not served here', async () => {
    const r = await call(a, 'annie', 'POST', '/api/cascade/graphs/grid/share');
    expect(r.body).toMatchObject({ error: { code: 'UNSUPPORTED', message: expect.stringContaining('api role') } });
  });
});
