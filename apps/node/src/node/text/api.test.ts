import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { AppError, ConfigSchema, systemContext, type Alert, type Role } from '@intersoc/core';
import { buildApi, type BuiltApi } from '@intersoc/api';
import { openDatabase, openEventReader, openSqliteAuthStores, type SqliteEventReader } from '@intersoc/storage';
import { writeSimplePdf } from '@intersoc/text';
import { createHydrator } from '../../pipeline/hydrator.js';
import { attachText } from './attach.js';

const USERS: readonly [string, string, Role][] = [
  ['acme', 'alice', 'admin'],
  ['acme', 'annie', 'analyst'],
  ['acme', 'victor', 'viewer'],
  ['acme', 'paul', 'partner'],
  ['globex', 'gina', 'admin'],
];
const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-text-api-'));
let api: BuiltApi;
let reader: SqliteEventReader;
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
  attachText(api.app, {
    config: ConfigSchema.parse({ data: dir }),
    db,
    reader,
    onError: (e) => {
      throw e;
    },
  });
  // Two alerts of acme: a chain-like one and background.
  const put = reader.db.prepare(
    'INSERT INTO alerts (id, tenant, time, created, severity, rule_id, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const alert = (id: string, o: Partial<Alert>): Alert => ({
    id,
    tenant: 'acme',
    created: 1,
    time: Date.UTC(2025, 2, 4, 9),
    detector: { kind: 'sigma', ruleId: 'r1', ruleTitle: 'Rule one' },
    severity: 'medium',
    tactics: [],
    techniques: [],
    entities: [{ type: 'host', value: 'WKS-1' }],
    eventIds: [],
    summary: 'x',
    ...o,
  });
  for (const a of [
    alert('a1', { tactics: ['credential-access'], techniques: ['T1003.001'], severity: 'high', summary: 'lsass dump' }),
    alert('a2', { time: Date.UTC(2025, 2, 4, 10) }),
  ])
    put.run(a.id, a.tenant, a.time, a.created, a.severity, a.detector.ruleId, JSON.stringify(a));
  await api.app.ready();
});

afterAll(async () => {
  await api.app.close();
  reader.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(user: string, method: string, url: string, body?: unknown, type = 'application/json') {
  const res = await api.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${tokens[user] ?? ''}`, ...(body === undefined ? {} : { 'content-type': type }) },
    ...(body === undefined
      ? {}
      : { payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) }),
  });
  return { status: res.statusCode, json: () => res.json() as Record<string, unknown>, body: res.body };
}

const PDF = Buffer.from(
  writeSimplePdf([
    [
      'The actor used Mimikatz to dump credentials from LSASS memory.',
      'The implant beaconed to hxxps://c2.evil-domain[.]net/api every minute.',
    ],
  ]),
);

describe('report API', () => {
  let id = '';
  it('uploads a report (analysts), lists and reads it (viewers), per tenant', async () => {
    const up = await call('annie', 'POST', '/api/reports?name=apt.pdf&tlp=green', PDF, 'application/pdf');
    expect(up.status).toBe(201);
    id = String((up.json()['summary'] as { id: string }).id);
    expect((await call('annie', 'POST', '/api/reports?name=again.pdf', PDF, 'application/pdf')).status).toBe(200);
    expect((await call('victor', 'POST', '/api/reports?name=v.pdf', PDF, 'application/pdf')).status).toBe(403);
    expect((await call('paul', 'GET', '/api/reports')).status).toBe(403);
    const list = (await call('victor', 'GET', '/api/reports')).json()['items'] as { id: string }[];
    expect(list.map((r) => r.id)).toEqual([id]);
    expect((await call('gina', 'GET', '/api/reports')).json()['items']).toEqual([]);
    expect((await call('gina', 'GET', `/api/reports/${id}`)).status).toBe(404);
    const detail = (await call('victor', 'GET', `/api/reports/${id}`)).json() as {
      items: { id: string; kind: string; value: string; sentence: number; start: number; end: number }[];
      document: { text: string; sentences: unknown[] };
    };
    const url = detail.items.find((i) => i.kind === 'indicator');
    expect(url?.value).toBe('https://c2.evil-domain.net/api');
    expect(detail.document.text.slice(url?.start, url?.end)).toBe('hxxps://c2.evil-domain[.]net/api');
    expect(detail.items.some((i) => i.kind === 'technique' && i.value === 'T1003.001')).toBe(true);
  });

  it('reviews, publishes and serves the STIX bundle; refuses bad input with 4xx', async () => {
    const detail = (await call('victor', 'GET', `/api/reports/${id}`)).json() as {
      items: { id: string; value: string }[];
    };
    const url = detail.items.find((i) => i.value.startsWith('https://'));
    const reviewed = await call('annie', 'POST', `/api/reports/${id}/review`, {
      decisions: [{ item: url?.id, decision: 'reject' }],
      add: [{ sentence: 0, technique: 'T1003.001' }],
    });
    expect(reviewed.status).toBe(200);
    expect((await call('victor', 'POST', `/api/reports/${id}/review`, { decisions: [] })).status).toBe(403);
    expect(
      (await call('annie', 'POST', `/api/reports/${id}/review`, { add: [{ sentence: 0, technique: 'X1' }] })).status,
    ).toBe(400);
    expect(
      (await call('annie', 'POST', `/api/reports/${id}/review`, { decisions: [{ item: 'i999', decision: 'accept' }] }))
        .status,
    ).toBe(400);
    const pub = await call('annie', 'POST', `/api/reports/${id}/publish`);
    expect(pub.status).toBe(200);
    expect(pub.json()['rejected']).toEqual([]);
    const stix = await call('victor', 'GET', `/api/reports/${id}/stix`);
    const bundle = JSON.parse(stix.body) as { objects: { type: string; pattern?: string }[] };
    expect(bundle.objects.some((o) => o.type === 'report')).toBe(true);
    expect(bundle.objects.some((o) => o.pattern?.includes('c2.evil-domain.net'))).toBe(false);
    expect((await call('annie', 'GET', '/api/reports/not-an-id')).status).toBe(400);
    expect((await call('annie', 'POST', '/api/reports?name=empty.txt', '', 'text/plain')).status).toBe(400);
    const junk = await call(
      'annie',
      'POST',
      '/api/reports?name=x.pdf',
      Buffer.from('%PDF-1.4 garbage'),
      'application/pdf',
    );
    expect(junk.status).toBe(400);
    expect(junk.body).toMatch(/PARSE/);
    expect((await call('gina', 'DELETE', `/api/reports/${id}`)).status).toBe(404);
    expect((await call('annie', 'DELETE', `/api/reports/${id}`)).status).toBe(200);
  });

  it('ranks the alert queue with reasons, per tenant', async () => {
    const r = await call('victor', 'GET', '/api/triage/ranked?limit=10');
    expect(r.status).toBe(200);
    const items = r.json()['items'] as { alert: { id: string }; probability: number; reasons: { feature: string }[] }[];
    expect(items.map((i) => i.alert.id).sort()).toEqual(['a1', 'a2']);
    const probs = items.map((i) => i.probability);
    expect([...probs].sort((a, b) => b - a)).toEqual(probs);
    expect((await call('gina', 'GET', '/api/triage/ranked')).json()['items']).toEqual([]);
  });
});
