import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { AppError, systemContext, type Alert, type Role } from '@intersoc/core';
import { buildApi, type BuiltApi } from '@intersoc/api';
import { InProcessBus } from '@intersoc/bus';
import { openDatabase, openEventReader, openSqliteAuthStores, type SqliteEventReader } from '@intersoc/storage';
import { createHydrator } from '../../pipeline/hydrator.js';
import { attachIncidents, type AttachedIncidents } from './attach.js';

const T0 = Date.UTC(2025, 2, 4, 9);
const USERS: readonly [string, string, Role][] = [
  ['acme', 'alice', 'admin'],
  ['acme', 'annie', 'analyst'],
  ['acme', 'victor', 'viewer'],
  ['acme', 'paul', 'partner'],
  ['globex', 'gina', 'admin'],
];

let api: BuiltApi;
let reader: SqliteEventReader;
let attached: AttachedIncidents;
let bus: InProcessBus;
const tokens: Record<string, string> = {};
let incidentId = '';
let caseId = '';

function alert(i: number, o: Partial<Alert> & { entities: Alert['entities'] }): Alert {
  return {
    id: `alert-${i}`,
    tenant: 'acme',
    created: T0 + i,
    time: T0 + i * 60_000,
    detector: { kind: 'sigma', ruleId: `rule-${i % 3}`, ruleTitle: `Rule ${i % 3}` },
    severity: 'high',
    tactics: ['credential-access'],
    techniques: ['T1003.001'],
    eventIds: [`event-${i}a`, `event-${i}b`],
    summary: `alert ${i}`,
    ...o,
  };
}

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
  attached = attachIncidents(api.app, {
    config: { data: '/nonexistent' } as never,
    db,
    reader,
    bus,
    reloadDetectors: async () => undefined,
    onError: (err) => {
      throw err;
    },
  });
  const put = reader.db.prepare(
    'INSERT INTO alerts (id, tenant, time, created, severity, rule_id, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const alerts = [
    alert(1, {
      entities: [
        { type: 'host', value: 'WKS-1' },
        { type: 'user', value: 'bob' },
      ],
    }),
    alert(2, {
      entities: [
        { type: 'host', value: 'WKS-1' },
        { type: 'user', value: 'bob' },
        { type: 'ip', value: '198.51.100.7', role: 'destination' },
      ],
    }),
    alert(3, {
      entities: [
        { type: 'host', value: 'WKS-1' },
        { type: 'user', value: 'bob' },
      ],
    }),
  ];
  for (const a of alerts) put.run(a.id, a.tenant, a.time, a.created, a.severity, a.detector.ruleId, JSON.stringify(a));
  expect(attached.stage.catchUp()).toBe(3);
  incidentId = attached.stage.incidents.list(systemContext('acme')).items[0]?.id ?? '';
  await api.app.ready();
});

afterAll(async () => {
  attached.close();
  await api.app.close();
  await bus.close();
  reader.close();
});

function as(user: string | undefined) {
  return user === undefined ? {} : { authorization: `Bearer ${tokens[user] ?? ''}` };
}

async function call(user: string | undefined, method: string, url: string, payload?: unknown) {
  const res = await api.app.inject({
    method: method as 'GET',
    url,
    headers: { ...as(user), ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
  return { status: res.statusCode, json: () => res.json() as Record<string, unknown> };
}

describe('incident and case API', () => {
  it('lists and shows incidents built from committed alerts', async () => {
    const list = await call('victor', 'GET', '/api/incidents');
    expect(list.status).toBe(200);
    const items = list.json()['items'] as { id: string; alertCount: number; graph?: unknown }[];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: incidentId, alertCount: 3 });
    expect(items[0]?.graph).toBeUndefined();
    const one = await call('victor', 'GET', `/api/incidents/${incidentId}`);
    expect(one.status).toBe(200);
    expect((one.json()['timeline'] as unknown[]).length).toBeGreaterThan(0);
    expect(
      ((await call('victor', 'GET', `/api/incidents/${incidentId}/alerts`)).json()['items'] as unknown[]).length,
    ).toBe(3);
  });

  it('lists an incident’s alerts with the ids of their events, and documents them', async () => {
    const res = await call('victor', 'GET', `/api/incidents/${incidentId}/alerts`);
    const items = res.json()['items'] as { id: string; eventIds?: string[] }[];
    expect(items.map((a) => [a.id, a.eventIds])).toEqual(
      [1, 2, 3].map((i) => [`alert-${i}`, [`event-${i}a`, `event-${i}b`]]),
    );
    const doc = (await api.app.inject({ method: 'GET', url: '/api/docs' })).json() as {
      components: { schemas: Record<string, { properties: Record<string, unknown>; required?: string[] }> };
    };
    const schema = doc.components.schemas['IncidentAlert'];
    expect(schema?.properties['eventIds']).toBeDefined();
    expect(schema?.required).toContain('eventIds');
  });

  it('works a case end to end: open, transition, comment, attach, annotate, NIS2, metrics', async () => {
    const opened = await call('annie', 'POST', '/api/cases', { incidents: [incidentId] });
    expect(opened.status).toBe(201);
    caseId = String(opened.json()['id']);
    expect((await call('annie', 'POST', `/api/cases/${caseId}/transition`, { status: 'in-progress' })).status).toBe(
      200,
    );
    const bad = await call('annie', 'POST', `/api/cases/${caseId}/transition`, { status: 'resolved' });
    expect(bad.status).toBe(409);
    expect((await call('annie', 'POST', `/api/cases/${caseId}/comments`, { text: 'on it' })).status).toBe(201);
    const up = await api.app.inject({
      method: 'POST',
      url: `/api/cases/${caseId}/attachments?name=dump.txt`,
      headers: { ...as('annie'), 'content-type': 'text/plain' },
      payload: 'evidence',
    });
    expect(up.statusCode).toBe(201);
    const att = up.json() as { id: string; sha256: string };
    const down = await api.app.inject({
      method: 'GET',
      url: `/api/cases/${caseId}/attachments/${att.id}`,
      headers: as('victor'),
    });
    expect(down.body).toBe('evidence');
    expect(down.headers['content-disposition']).toMatch(/^attachment;/);
    expect(
      (
        await call('annie', 'POST', `/api/cases/${caseId}/notes`, {
          time: new Date(T0).toISOString(),
          text: 'first move',
        })
      ).status,
    ).toBe(201);
    const tl = (await call('victor', 'GET', `/api/cases/${caseId}/timeline`)).json()['items'] as { kind: string }[];
    expect(tl.map((e) => e.kind)).toEqual(expect.arrayContaining(['alert', 'note', 'comment', 'attachment', 'status']));
    expect(
      (await call('annie', 'PATCH', `/api/cases/${caseId}`, { significant: true, timeZone: 'Europe/Paris' })).status,
    ).toBe(200);
    const deadlines = (await call('victor', 'GET', `/api/cases/${caseId}/nis2`)).json()['items'] as { kind: string }[];
    expect(deadlines.map((d) => d.kind)).toEqual(['early-warning', 'notification', 'final']);
    const stix = await call('victor', 'GET', `/api/cases/${caseId}/nis2/notification?format=stix`);
    expect(stix.json()['type']).toBe('bundle');
    const detail = (await call('victor', 'GET', `/api/cases/${caseId}`)).json() as {
      case: { status: string };
      tasks: unknown[];
    };
    expect(detail.case.status).toBe('in-progress');
    expect(detail.tasks.length).toBeGreaterThan(0);
    expect((await call('victor', 'GET', '/api/cases/metrics')).json()['cases']).toBe(1);
    expect((await call('victor', 'GET', `/api/incidents/${incidentId}`)).json()['status']).toBe('case');
  });

  // Every endpoint with the least role that may call it: viewers read, analysts work, admins configure.
  const ENDPOINTS: readonly [string, string, 'read' | 'work' | 'admin', unknown?][] = [
    ['GET', '/api/incidents', 'read'],
    ['GET', '/api/incidents/counts', 'read'],
    ['GET', '/api/incidents/{inc}', 'read'],
    ['GET', '/api/incidents/{inc}/alerts', 'read'],
    ['POST', '/api/incidents/status', 'work', { ids: ['{inc}'], status: 'closed' }],
    ['POST', '/api/incidents/{inc}/split', 'work', { alertIds: ['alert-1'] }],
    ['GET', '/api/assets', 'read'],
    ['PUT', '/api/assets', 'admin', { assets: [{ kind: 'host', name: 'wks-1', criticality: 'high' }] }],
    ['DELETE', '/api/assets/host/nothing-here', 'admin'],
    ['GET', '/api/cases', 'read'],
    ['POST', '/api/cases', 'work', { title: 'by hand' }],
    ['GET', '/api/cases/{case}', 'read'],
    ['PATCH', '/api/cases/{case}', 'work', { tags: ['x'] }],
    ['POST', '/api/cases/{case}/transition', 'work', { status: 'contained' }],
    ['POST', '/api/cases/{case}/incidents', 'work', { incidents: ['{inc}'] }],
    ['POST', '/api/cases/{case}/tasks', 'work', { title: 'call the owner' }],
    ['POST', '/api/cases/{case}/tasks/template', 'work', { key: 'default' }],
    ['PATCH', '/api/cases/{case}/tasks/none', 'work', { status: 'done' }],
    ['PUT', '/api/cases/{case}/tasks/order', 'work', { tasks: ['none'] }],
    ['GET', '/api/cases/{case}/tasks/none/logs', 'read'],
    ['POST', '/api/cases/{case}/tasks/none/logs', 'work', { text: 'called the owner' }],
    ['POST', '/api/cases/{case}/observables', 'work', { kind: 'domain', value: 'evil.example' }],
    ['POST', '/api/cases/{case}/observables/enrich', 'work'],
    ['PATCH', '/api/cases/{case}/observables/none', 'work', { ioc: true }],
    ['DELETE', '/api/cases/{case}/observables/none', 'work'],
    ['POST', '/api/cases/{case}/comments', 'work', { text: 'hello' }],
    ['GET', '/api/cases/{case}/attachments/none', 'read'],
    ['GET', '/api/cases/{case}/timeline', 'read'],
    ['POST', '/api/cases/{case}/notes', 'work', { time: new Date(T0).toISOString(), text: 'n' }],
    ['DELETE', '/api/cases/{case}/notes/none', 'work'],
    ['GET', '/api/cases/{case}/history', 'read'],
    ['GET', '/api/cases/{case}/nis2', 'read'],
    ['GET', '/api/cases/{case}/nis2/early-warning', 'read'],
    ['POST', '/api/cases/{case}/nis2/early-warning/submitted', 'work', {}],
    ['GET', '/api/nis2/deadlines', 'read'],
    ['GET', '/api/cases/metrics', 'read'],
    ['GET', '/api/case-templates', 'read'],
    ['PUT', '/api/case-templates/custom', 'admin', { name: 'Custom', tasks: [{ title: 't', group: 'triage' }] }],
    ['DELETE', '/api/case-templates/never-made', 'admin'],
    ['GET', '/api/feedback/rules', 'read'],
    ['GET', '/api/feedback/suggestions', 'read'],
    ['POST', '/api/feedback/suggestions/none', 'admin', { accept: true }],
  ];
  const ALLOWED: Readonly<Record<'read' | 'work' | 'admin', readonly string[]>> = {
    read: ['alice', 'annie', 'victor'],
    work: ['alice', 'annie'],
    admin: ['alice'],
  };
  const fill = (s: string): string => s.replaceAll('{inc}', incidentId).replaceAll('{case}', caseId);

  it('registers every incident and case route with its roles and an audit action for changes', () => {
    const mine = api.routes.filter((r) => /^\/api\/(incidents|assets|cases|case-templates|nis2|feedback)/.test(r.url));
    expect(mine.length).toBe(ENDPOINTS.length + 1); // + the attachment upload
    for (const r of mine) if (r.method !== 'GET') expect(r.audit, `${r.method} ${r.url}`).toBeDefined();
  });

  it('checks roles and tenants on every endpoint', async () => {
    for (const [method, path, need, body] of ENDPOINTS) {
      const url = fill(path);
      const payload = body === undefined ? undefined : JSON.parse(fill(JSON.stringify(body)));
      expect((await call(undefined, method, url, payload)).status, `anonymous ${method} ${url}`).toBe(401);
      for (const user of ['victor', 'paul', 'annie']) {
        if (ALLOWED[need].includes(user)) continue;
        expect((await call(user, method, url, payload)).status, `${user} ${method} ${url}`).toBe(403);
      }
      // Another tenant's admin may call the route, but never sees or touches acme's objects.
      const foreign = await call('gina', method, url, payload);
      if (url.includes(incidentId) || url.includes(caseId)) {
        expect([404, 409], `gina ${method} ${url}`).toContain(foreign.status);
      } else if (method === 'GET' && foreign.status === 200 && url !== '/api/case-templates') {
        // (Built-in task templates are shared by every tenant; a tenant's own ones are not.)
        const items = foreign.json()['items'];
        if (Array.isArray(items)) expect(items, `gina ${method} ${url}`).toEqual([]);
      }
      // The least role that may call it gets through the access check.
      const least = ALLOWED[need][ALLOWED[need].length - 1] ?? 'alice';
      const ok = await call(least, method, url, payload);
      expect([401, 403], `${least} ${method} ${url}: ${ok.status}`).not.toContain(ok.status);
    }
  });

  it('keeps a tenant’s own templates to itself', async () => {
    // Both admins made a template `custom` in their own tenant above; removing one leaves the other.
    expect((await call('gina', 'DELETE', '/api/case-templates/custom')).status).toBe(200);
    const keys = ((await call('gina', 'GET', '/api/case-templates')).json()['items'] as { key: string }[]).map(
      (t) => t.key,
    );
    expect(keys).not.toContain('custom');
    const mine = ((await call('victor', 'GET', '/api/case-templates')).json()['items'] as { key: string }[]).map(
      (t) => t.key,
    );
    expect(mine).toContain('custom');
  });

  it('lets the node operator only into another tenant with ?tenant=', async () => {
    expect((await call('victor', 'GET', '/api/incidents?tenant=globex')).status).toBe(403);
  });
});
