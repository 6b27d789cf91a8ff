/**
 * The report, categorisation and ranking routes of the api role on a real PostgreSQL server (a
 * scratch database migrated by `migratePg`): two API instances over their own connections
 * (`openPgAuthStores` twice), as two processes behind a load balancer. A report added through one
 * is found, reviewed, published and deleted through the other; a category correction and the
 * alert ranking read and write the shared tables; a second tenant's token sees none of it. Skips,
 * and says so, only when PostgreSQL is unreachable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext, type Alert, type Role } from '@intersoc/core';
import { PgIncidentStore, type Incident } from '@intersoc/correlate';
import { PgCtiStore } from '@intersoc/cti';
import { migratePg, PgAlertTriage } from '@intersoc/storage/postgres';
import { PgIncidentLabels, writeSimplePdf } from '@intersoc/text';
import { registerApiText } from './api-text.js';
import { apiInstance, closeInstance, injectAs, scratchPg, seedUsers, type ApiInstance } from './internal/testing.js';

const db = await scratchPg('intersoc_api_text', 'api role text tests');

const USERS: readonly [string, string, Role][] = [
  ['acme', 'annie', 'analyst'],
  ['acme', 'victor', 'viewer'],
  ['globex', 'gina', 'admin'],
];

type Instance = ApiInstance<unknown>;

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-api-text-'));
let tokens: Record<string, string> = {};
const errors: unknown[] = [];
let a: Instance;
let b: Instance;

const instance = (url: string): Promise<Instance> =>
  apiInstance(url, {
    register: (app, stores) =>
      registerApiText(app, {
        pg: stores.pg,
        cti: new PgCtiStore(stores.pg),
        data: dir,
        onError: (err) => errors.push(err),
      }),
  });

async function call(at: Instance, user: string, method: string, url: string, body?: unknown, type?: string) {
  const r = await injectAs(
    at,
    tokens[user],
    method,
    url,
    body,
    body === undefined ? undefined : (type ?? 'application/json'),
  );
  return { status: r.status, body: r.text, json: r.json };
}

const PDF = Buffer.from(
  writeSimplePdf([
    [
      'The actor used Mimikatz to dump credentials from LSASS memory.',
      'The implant beaconed to hxxps://c2.evil-domain[.]net/api every minute.',
    ],
  ]),
);

function alert(id: string, tenant: string, time: number, o: Partial<Alert> = {}): Alert {
  return {
    id,
    tenant,
    created: 1,
    time,
    detector: { kind: 'sigma', ruleId: 'r1', ruleTitle: 'Rule one' },
    severity: 'medium',
    tactics: [],
    techniques: [],
    entities: [{ type: 'host', value: 'WKS-1' }],
    eventIds: [],
    summary: 'x',
    ...o,
  };
}

beforeAll(async () => {
  if (!db) return;
  await migratePg(db.url);
  a = await instance(db.url);
  b = await instance(db.url);
  tokens = await seedUsers(a.stores, USERS);
  // Alerts as the detect roles store them: two of acme (one closed), one of globex.
  const t0 = Date.UTC(2025, 2, 4, 9);
  for (const x of [
    alert('a1', 'acme', t0, { tactics: ['credential-access'], techniques: ['T1003.001'], severity: 'high' }),
    alert('a2', 'acme', t0 + 3_600_000),
    alert('a3', 'acme', t0 + 7_200_000),
    alert('g1', 'globex', t0),
  ])
    a.stores.pg.run(
      'INSERT INTO ev_alerts (id, tenant, time, created, severity, rule_id, doc) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [x.id, x.tenant, x.time, x.created, x.severity, x.detector.ruleId, JSON.stringify(x)],
    );
  new PgAlertTriage(a.stores.pg).setStatus(
    { tenant: 'acme', user: 'annie', roles: ['analyst'], via: 'token' },
    ['a3'],
    {
      status: 'closed',
      reason: 'false-positive',
    },
  );
  // An incident of acme, as the incident feed stores it (only what the classifier reads matters).
  const incident = {
    id: 'inc-1',
    tenant: 'acme',
    title: 'Credential dumping',
    severity: 'high',
    score: 50,
    status: 'open',
    maxAlertSeverity: 'high',
    firstSeen: t0,
    lastSeen: t0,
    created: t0,
    updated: t0,
    alertCount: 2,
    hosts: ['WKS-1'],
    users: ['adm-bob'],
    ips: [],
    domains: [],
    tactics: ['credential-access'],
    techniques: ['T1003.001'],
    rules: [{ title: 'Mimikatz', kind: 'sigma', count: 2 }],
    sources: ['host'],
    rsit: { class: 'other', type: 'undetermined', classLabel: 'Other', typeLabel: 'Undetermined', reason: 'test' },
    graph: { nodes: [], edges: [] },
    timeline: [],
    mergedFrom: [],
    links: [],
  } as unknown as Incident;
  new PgIncidentStore(a.stores.pg).put(systemContext('acme'), incident);
});

afterAll(async () => {
  for (const i of [a, b]) if (i) await closeInstance(i);
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!db)('report routes of the api role (PostgreSQL)', () => {
  let id = '';

  it('adds a report through one instance; the other finds it, within the tenant only', async () => {
    const up = await call(a, 'annie', 'POST', '/api/reports?name=apt.pdf&tlp=green', PDF, 'application/pdf');
    expect(up.status, up.body).toBe(201);
    id = String((up.json()['summary'] as { id: string }).id);
    // The same file through the other instance is the same report.
    const again = await call(b, 'annie', 'POST', '/api/reports?name=again.pdf', PDF, 'application/pdf');
    expect([again.status, (again.json()['summary'] as { id: string }).id]).toEqual([200, id]);
    expect((await call(b, 'victor', 'POST', '/api/reports?name=v.pdf', PDF, 'application/pdf')).status).toBe(403);
    const list = (await call(b, 'victor', 'GET', '/api/reports')).json()['items'] as { id: string }[];
    expect(list.map((r) => r.id)).toEqual([id]);
    expect((await call(b, 'gina', 'GET', '/api/reports')).json()['items']).toEqual([]);
    expect((await call(b, 'gina', 'GET', `/api/reports/${id}`)).status).toBe(404);
    const detail = (await call(b, 'victor', 'GET', `/api/reports/${id}`)).json() as {
      items: { kind: string; value: string }[];
    };
    expect(detail.items.some((i) => i.kind === 'indicator' && i.value === 'https://c2.evil-domain.net/api')).toBe(true);
    const models = (await call(b, 'victor', 'GET', '/api/reports/models')).json();
    expect(models['items']).toEqual([]);
    expect(typeof models['current']).toBe('string');
  });

  it('reviews through one instance, publishes and serves STIX through the other, deletes', async () => {
    const detail = (await call(a, 'victor', 'GET', `/api/reports/${id}`)).json() as {
      items: { id: string; value: string }[];
    };
    const url = detail.items.find((i) => i.value.startsWith('https://'));
    const reviewed = await call(a, 'annie', 'POST', `/api/reports/${id}/review`, {
      decisions: [{ item: url?.id, decision: 'reject' }],
      add: [{ sentence: 0, technique: 'T1055' }],
    });
    expect(reviewed.status, reviewed.body).toBe(200);
    const seen = (await call(b, 'victor', 'GET', `/api/reports/${id}`)).json() as {
      status: string;
      items: { id: string; value: string; source: string; review?: { decision: string; by: string } }[];
    };
    expect(seen.status).toBe('reviewed');
    expect(seen.items.find((i) => i.id === url?.id)?.review).toMatchObject({ decision: 'reject', by: 'annie' });
    const added = seen.items.find((i) => i.value === 'T1055');
    expect([added?.source, added?.review?.decision]).toEqual(['analyst', 'accept']);
    expect((await call(b, 'gina', 'POST', `/api/reports/${id}/publish`)).status).toBe(404);
    const pub = await call(b, 'annie', 'POST', `/api/reports/${id}/publish`);
    expect(pub.status, pub.body).toBe(200);
    expect(pub.json()['rejected']).toEqual([]);
    expect(Number(pub.json()['added'])).toBeGreaterThan(0);
    const stix = await call(a, 'victor', 'GET', `/api/reports/${id}/stix`);
    const bundle = JSON.parse(stix.body) as {
      objects: { type: string; pattern?: string; external_references?: unknown }[];
    };
    expect(bundle.objects.some((o) => o.type === 'report')).toBe(true);
    expect(bundle.objects.some((o) => o.pattern?.includes('c2.evil-domain.net'))).toBe(false);
    expect((await call(a, 'gina', 'GET', `/api/reports/${id}/stix`)).status).toBe(404);
    expect((await call(a, 'gina', 'DELETE', `/api/reports/${id}`)).status).toBe(404);
    expect((await call(a, 'annie', 'DELETE', `/api/reports/${id}`)).status).toBe(200);
    expect((await call(b, 'victor', 'GET', `/api/reports/${id}`)).status).toBe(404);
  });

  it('records an incident category correction in the shared store, per tenant', async () => {
    const body = { category: 'intrusions/system-compromise', tactic: 'credential-access' };
    expect((await call(a, 'victor', 'PUT', '/api/incidents/inc-1/category', body)).status).toBe(403);
    expect((await call(a, 'gina', 'PUT', '/api/incidents/inc-1/category', body)).status).toBe(404);
    const r = await call(a, 'annie', 'PUT', '/api/incidents/inc-1/category', body);
    expect(r.status, r.body).toBe(200);
    expect(r.json()).toMatchObject({ incident: 'inc-1', ...body, by: 'annie' });
    const labelled = new PgIncidentLabels(b.stores.pg).labelled(systemContext('acme'));
    expect(labelled.map((l) => [l.category, l.tactic, l.input.privileged])).toEqual([
      ['intrusions/system-compromise', 'credential-access', true],
    ]);
    expect(new PgIncidentLabels(b.stores.pg).labelled(systemContext('globex'))).toEqual([]);
    expect((await call(b, 'annie', 'PUT', '/api/incidents/inc-9/category', body)).status).toBe(404);
  });

  it('ranks the alert queue from ev_alerts and the triage states, per tenant', async () => {
    const r = await call(b, 'victor', 'GET', '/api/triage/ranked?limit=10');
    expect(r.status, r.body).toBe(200);
    const items = r.json()['items'] as { alert: { id: string }; status: string; probability: number }[];
    expect(items.map((i) => i.alert.id).sort()).toEqual(['a1', 'a2']);
    const probs = items.map((i) => i.probability);
    expect([...probs].sort((x, y) => y - x)).toEqual(probs);
    const closed = (await call(a, 'victor', 'GET', '/api/triage/ranked?status=closed')).json()['items'] as {
      alert: { id: string };
      status: string;
    }[];
    expect(closed.map((i) => [i.alert.id, i.status])).toEqual([['a3', 'closed']]);
    const globex = (await call(a, 'gina', 'GET', '/api/triage/ranked')).json()['items'] as { alert: { id: string } }[];
    expect(globex.map((i) => i.alert.id)).toEqual(['g1']);
    expect(errors).toEqual([]);
  });
});
