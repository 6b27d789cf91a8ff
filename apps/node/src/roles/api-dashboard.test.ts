/**
 * The dashboard routes of the api role on a real PostgreSQL server (a scratch database migrated
 * by `migratePg`): two API instances over their own connections and their own `--data` folders,
 * as two processes behind a load balancer. Events and alerts are written as the detect roles
 * write them (`PgEventStore.write`); the queue, overview, histograms, host pages, rules (from the
 * store's packs, tuned through one instance and read through the other), intel and node status
 * are read back within the caller's tenant only; the live feed polls `ev_alerts`. Skips, and
 * says so, only when PostgreSQL is unreachable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigSchema, dayOf, eventId, systemContext, type Alert, type Role } from '@intersoc/core';
import type { BuiltApi } from '@intersoc/api';
import { PgCtiStore } from '@intersoc/cti';
import { encodeBlock } from '@intersoc/storage';
import {
  migratePg,
  openPgEventStore,
  PgRulePacks,
  type PgAuthStores,
  type PgEventStore,
} from '@intersoc/storage/postgres';
import { createHydrator } from '../pipeline/hydrator.js';
import { pgAlertFeed } from '../node/dashboard/pg-reads.js';
import { registerApiDashboard, tenantNames, type ApiDashboard } from './api-dashboard.js';
import { pgSearchService } from './api-role.js';
import { apiInstance, injectJson, scratchPg, seedUsers } from './internal/testing.js';

const db = await scratchPg('intersoc_api_dashboard', 'api role dashboard tests');

const HOUR = 3_600_000;
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
const RULE_ID = '5d1c2c1e-0000-4000-8000-00000000dash';
const USERS: readonly [string, string, Role][] = [
  ['acme', 'annie', 'analyst'],
  ['acme', 'victor', 'viewer'],
  ['globex', 'gina', 'admin'],
  ['default', 'otto', 'admin'],
];
const SRC = { format: 'json', kind: 'file', name: 'edr' } as const;

interface Instance {
  readonly api: BuiltApi;
  readonly stores: PgAuthStores;
  readonly events: PgEventStore;
  readonly dashboard: ApiDashboard;
  readonly dir: string;
}

let tokens: Record<string, string> = {};
const errors: unknown[] = [];
let a: Instance;
let b: Instance;

async function instance(url: string): Promise<Instance> {
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-api-dashboard-'));
  const events = await openPgEventStore(url, { hydrator: createHydrator() });
  const search = pgSearchService(events);
  const i = await apiInstance(url, {
    search,
    register: (app, stores) =>
      registerApiDashboard(app, {
        config: ConfigSchema.parse({ data: dir }),
        url,
        pg: stores.pg,
        events,
        search,
        cti: new PgCtiStore(stores.pg),
        tenants: tenantNames(stores.tenants),
        health: async () => ({ store: { status: 'ok' } }),
        onError: (err) => errors.push(err),
      }),
  });
  return { api: i.api, stores: i.stores, events, dashboard: i.domain, dir };
}

const call = (at: Instance, user: string, method: string, url: string, body?: unknown) =>
  injectJson(at, tokens[user], method, url, body);

function event(tenant: string, n: number, host: string) {
  const raw = JSON.stringify({ n, host: { name: host }, event: { action: 'storetest' } });
  const time = T0 + n * 60_000;
  return { id: eventId(tenant, `e:${n}`, raw), time, ingested: time, source: SRC, raw };
}

function alert(tenant: string, id: string, time: number, o: Partial<Alert> = {}): Alert {
  return {
    id,
    tenant,
    created: Date.now() - 60_000,
    time,
    detector: { kind: 'sigma', ruleId: RULE_ID, ruleTitle: 'Store Pack Rule' },
    severity: 'high',
    tactics: ['execution'],
    techniques: ['T1059'],
    entities: [{ type: 'host', value: 'WKS-03.corp.example' }],
    eventIds: [],
    summary: 'test alert',
    ...o,
  };
}

const RULE = `title: Store Pack Rule
id: ${RULE_ID}
status: test
logsource:
  product: test
detection:
  sel:
    event.action: storetest
  condition: sel
level: high
tags:
  - attack.execution
  - attack.t1059
`;

beforeAll(async () => {
  if (!db) return;
  await migratePg(db.url);
  a = await instance(db.url);
  b = await instance(db.url);
  tokens = await seedUsers(a.stores, USERS);
  const acme = [event('acme', 1, 'wks-03'), event('acme', 2, 'wks-03'), event('acme', 3, 'srv-01')];
  await a.events.write({
    blocks: [encodeBlock('acme', dayOf(T0), acme), encodeBlock('globex', dayOf(T0), [event('globex', 4, 'gx-01')])],
    alerts: [
      alert('acme', 'acme-1', T0 + 60_000),
      alert('acme', 'acme-2', T0 + 120_000, {
        severity: 'low',
        detector: { kind: 'sigma', ruleId: 'other', ruleTitle: 'Other' },
        techniques: [],
        entities: [{ type: 'user', value: 'CORP\\bob' }],
      }),
      alert('globex', 'globex-1', T0 + 240_000, { entities: [{ type: 'host', value: 'gx-01' }] }),
    ],
    deadLetters: [],
  });
  const packs = PgRulePacks.open(db.url);
  try {
    await packs.add('acme', 'store-pack', [{ path: 'rule.yml', text: RULE }], 1);
  } finally {
    await packs.close();
  }
});

afterAll(async () => {
  for (const i of [a, b]) {
    if (!i) continue;
    await i.dashboard.close();
    await i.api.app.close();
    await i.events.close();
    await i.stores.close();
    rmSync(i.dir, { recursive: true, force: true });
  }
  await db?.drop();
});

describe.skipIf(!db)('dashboard routes of the api role (PostgreSQL)', () => {
  it('triages through one instance what the other lists, within the caller tenant', async () => {
    const list = await call(b, 'victor', 'GET', '/api/triage/alerts');
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const items = list.body['items'] as { alert: { id: string }; state: { status: string } }[];
    expect(items.map((i) => i.alert.id)).toEqual(['acme-2', 'acme-1']);
    expect(
      (await call(a, 'victor', 'POST', '/api/triage/alerts/status', { ids: ['acme-1'], status: 'acknowledged' }))
        .status,
    ).toBe(403);
    const set = await call(a, 'annie', 'POST', '/api/triage/alerts/status', {
      ids: ['acme-1'],
      status: 'acknowledged',
    });
    expect(set.body).toEqual({ updated: 1, missing: [] });
    const one = await call(b, 'victor', 'GET', '/api/triage/alerts/acme-1');
    expect((one.body['state'] as { status: string }).status).toBe('acknowledged');
    // Another tenant sees its own alert only, and cannot touch acme's.
    const theirs = (await call(b, 'gina', 'GET', '/api/triage/alerts')).body['items'] as { alert: { id: string } }[];
    expect(theirs.map((i) => i.alert.id)).toEqual(['globex-1']);
    expect((await call(a, 'gina', 'GET', '/api/triage/alerts/acme-1')).status).toBe(404);
    const refused = await call(a, 'gina', 'POST', '/api/triage/alerts/status', {
      ids: ['acme-1'],
      status: 'closed',
      reason: 'x',
    });
    expect(refused.body).toEqual({ updated: 0, missing: ['acme-1'] });
    expect(
      ((await call(b, 'victor', 'GET', '/api/triage/alerts/acme-1')).body['state'] as { status: string }).status,
    ).toBe('acknowledged');
  });

  it('answers the overview and histograms from the store, per tenant', async () => {
    const window = `from=${T0}&to=${T0 + HOUR - 1}&buckets=4`;
    const o = await call(b, 'annie', 'GET', `/api/overview?${window}`);
    expect(o.status, JSON.stringify(o.body)).toBe(200);
    expect(o.body['alerts']).toEqual({ total: 2, new: 1, acknowledged: 1, closed: 0 });
    expect(o.body['events']).toEqual([3, 0, 0, 0]);
    expect(o.body['topHosts']).toEqual([{ key: 'wks-03', count: 1 }]);
    expect(o.body['topUsers']).toEqual([{ key: 'bob', count: 1 }]);
    expect(o.body['topRules']).toEqual([
      { key: RULE_ID, label: 'Store Pack Rule', count: 1 },
      { key: 'other', label: 'Other', count: 1 },
    ]);
    expect((o.body['topTechniques'] as { key: string; count: number }[]).map((t) => [t.key, t.count])).toEqual([
      ['T1059', 1],
    ]);
    expect(o.body['ingest']).toMatchObject({ storedEvents: 3, deadLetters: 0, deadLettersInWindow: 0 });
    const bySeverity = o.body['alertsBySeverity'] as Record<string, number>[];
    expect(bySeverity[0]).toMatchObject({ high: 1, low: 1 });
    // The operator's overview shows no UDP drops: this role takes no data and cannot know them.
    const op = await call(a, 'otto', 'GET', `/api/overview?${window}`);
    expect(op.status, JSON.stringify(op.body)).toBe(200);
    expect(op.body['ingest']).not.toHaveProperty('dropped');
    const g = await call(a, 'gina', 'GET', `/api/overview?${window}`);
    expect(g.body['alerts']).toMatchObject({ total: 1 });
    expect(g.body['ingest']).toMatchObject({ storedEvents: 1 });
    const h = await call(
      a,
      'annie',
      'GET',
      `/api/events/histogram?${window}&q=${encodeURIComponent('host.name:wks-03')}`,
    );
    expect(h.status, JSON.stringify(h.body)).toBe(200);
    expect(h.body).toMatchObject({ counts: [2, 0, 0, 0], total: 2, partial: false });
    // Every event, in buckets narrower than the block: counted from the decoded event times.
    const all = await call(b, 'annie', 'GET', `/api/events/histogram?from=${T0}&to=${T0 + HOUR - 1}&buckets=60`);
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect((all.body['counts'] as number[]).slice(0, 5)).toEqual([0, 1, 1, 1, 0]);
    expect(all.body).toMatchObject({ total: 3, partial: false });
    expect(
      (await call(b, 'gina', 'GET', `/api/events/histogram?from=${T0}&to=${T0 + HOUR - 1}&buckets=60`)).body,
    ).toMatchObject({ total: 1 });
  });

  it('shows a host page from alerts and events of the caller tenant only', async () => {
    const p = await call(b, 'annie', 'GET', '/api/entities/host/WKS-03.corp.example?days=1');
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect(p.body['name']).toBe('wks-03');
    expect((p.body['alerts'] as { alert: { id: string } }[]).map((x) => x.alert.id)).toEqual(['acme-1']);
    expect((await call(b, 'gina', 'GET', '/api/entities/host/wks-03?days=1')).status).toBe(404);
  });

  it('serves the store rule packs with their hits; tuning through one instance is read by the other', async () => {
    const r = await call(a, 'annie', 'GET', '/api/rules');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const mine = (r.body['rules'] as { key: string; pack: string; hits: number; enabled: boolean }[]).find(
      (x) => x.key === RULE_ID,
    );
    expect(mine).toMatchObject({ pack: 'store-pack', hits: 1, enabled: true });
    const other = (await call(a, 'gina', 'GET', '/api/rules')).body['rules'] as { key: string }[];
    expect(other.some((x) => x.key === RULE_ID)).toBe(false);
    const tuned = await call(a, 'annie', 'PATCH', `/api/rules/${RULE_ID}`, { enabled: false });
    expect(tuned.status, JSON.stringify(tuned.body)).toBe(200);
    const seen = await call(b, 'victor', 'GET', `/api/rules/${RULE_ID}`);
    expect(seen.body).toMatchObject({ key: RULE_ID, enabled: false });
    const packs = PgRulePacks.open(db?.url ?? '');
    try {
      expect(await packs.tuning('acme')).toMatchObject({ disabled: [RULE_ID] });
    } finally {
      await packs.close();
    }
    const coverage = (await call(b, 'victor', 'GET', '/api/attack/coverage')).body['techniques'] as
      { id: string; alerts: number }[] | undefined;
    expect(coverage?.find((c) => c.id === 'T1059')?.alerts).toBe(1);
  });

  it('imports intel through one instance and lists it through the other', async () => {
    const id = 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f';
    const bundle = {
      type: 'bundle',
      id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d',
      objects: [
        {
          type: 'indicator',
          spec_version: '2.1',
          id,
          created: '2024-01-01T00:00:00.000Z',
          modified: '2024-01-01T00:00:00.000Z',
          name: 'bad ip',
          pattern: "[ipv4-addr:value = '203.0.113.9']",
          pattern_type: 'stix',
          valid_from: '2024-01-01T00:00:00Z',
        },
      ],
    };
    const imp = await call(a, 'annie', 'POST', '/api/intel/import', bundle);
    expect(imp.status, JSON.stringify(imp.body)).toBe(200);
    expect(imp.body).toMatchObject({ added: 1, rejected: 0 });
    expect((await call(b, 'victor', 'GET', `/api/intel/objects/${id}`)).status).toBe(200);
    expect((await call(b, 'gina', 'GET', `/api/intel/objects/${id}`)).status).toBe(404);
  });

  it('reports the api role itself in the node status, never pipeline figures', async () => {
    const s = await call(a, 'annie', 'GET', '/api/node/status');
    expect(s.status, JSON.stringify(s.body)).toBe(200);
    const stages = s.body['stages'] as { name: string; detail: string }[];
    expect(stages.map((x) => x.name)).toEqual(['pipeline', 'store', 'index']);
    expect(stages[0]?.detail).toMatch(/none in the api role/);
    expect(s.body).toMatchObject({ queues: [], counters: {}, sources: [] });
    expect(s.body['storage']).toMatchObject({ events: 3, alerts: 2 });
    expect((await call(b, 'gina', 'GET', '/api/node/status')).body['storage']).toMatchObject({ events: 1, alerts: 1 });
  });

  it('feeds new alerts of the subscriber tenant from ev_alerts', async () => {
    const feed = pgAlertFeed(a.stores.pg, (err) => errors.push(err), 20, 0);
    const got: string[] = [];
    const stop = feed.subscribe(systemContext('acme'), (x) => got.push(x.id));
    try {
      await new Promise((r) => setTimeout(r, 50));
      await b.events.write({
        blocks: [],
        alerts: [alert('globex', 'globex-live', T0), alert('acme', 'acme-live', T0, { created: Date.now() })],
        deadLetters: [],
      });
      await vi.waitFor(() => expect(got).toEqual(['acme-live']), { timeout: 5_000 });
    } finally {
      stop();
    }
    expect(errors).toEqual([]);
  });
});
