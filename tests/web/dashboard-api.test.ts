/**
 * The dashboard's API on a real node with demo data, without a browser: overview and histogram
 * figures agree with search, autocomplete fields, export, rules and coverage, intelligence
 * import, node status per tenant, and the live alert stream from the node's bus.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '@intersoc/core';
import { PASSWORD, startDemoNode, USERS, type DemoNode } from './harness.js';

let n: DemoNode;
const tokens: Partial<Record<keyof typeof USERS, string>> = {};

async function api<T>(
  user: keyof typeof USERS,
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: T; text: string }> {
  const res = await fetch(`${n.node.url}${url}`, {
    ...init,
    headers: {
      authorization: `Bearer ${tokens[user]}`,
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(init.headers ?? {}),
    },
  });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').startsWith('application/json');
  return { status: res.status, body: (json ? JSON.parse(text) : undefined) as T, text };
}

/** Counts events matching `q` by paging through the plain search API. */
async function countBySearch(q: string, from: number, to: number): Promise<number> {
  let total = 0;
  let cursor: string | undefined;
  do {
    const r = await api<{ items: unknown[]; nextCursor?: string }>(
      'analyst',
      `/api/events?limit=1000&from=${from}&to=${to}&q=${encodeURIComponent(q)}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    total += r.body.items.length;
    cursor = r.body.nextCursor;
  } while (cursor);
  return total;
}

beforeAll(async () => {
  n = await startDemoNode({ demoHours: 3 });
  for (const [key, u] of Object.entries(USERS)) {
    const r = await fetch(`${n.node.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: u.tenant, username: u.name, password: PASSWORD }),
    });
    tokens[key as keyof typeof USERS] = ((await r.json()) as { token: string }).token;
  }
}, 180_000);

afterAll(async () => {
  await n?.close();
});

describe('dashboard API on a demo node', () => {
  it('documents every dashboard route with its roles in a valid OpenAPI 3.1 description', async () => {
    const doc = (await (await fetch(`${n.node.url}/api/docs`)).json()) as {
      paths: Record<string, Record<string, { 'x-intersoc-roles'?: unknown }>>;
    };
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    const mine = [
      '/api/triage/alerts',
      '/api/triage/alerts/{id}',
      '/api/triage/alerts/status',
      '/api/alerts/stream',
      '/api/overview',
      '/api/events/histogram',
      '/api/events/fields',
      '/api/events/export',
      '/api/rules',
      '/api/rules/{key}',
      '/api/attack/coverage',
      '/api/intel/objects',
      '/api/intel/objects/{id}',
      '/api/intel/import',
      '/api/intel/export',
      '/api/intel/validate',
      '/api/soc-network',
      '/api/node/status',
    ];
    for (const p of mine) {
      const ops = Object.values(doc.paths[p] ?? {});
      expect(ops.length, p).toBeGreaterThan(0);
      for (const op of ops) expect(op['x-intersoc-roles'], p).toBeDefined();
    }
    // The app shell is public and hidden from the API description.
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith('/api') && p !== '/metrics')).toEqual([]);
  });

  it('overview and histogram counts agree with a paged search', async () => {
    const to = Date.now();
    const from = to - 86_400_000;
    const o = await api<{ events: number[]; bucketMs: number; ingest: { storedEvents: number; dropped?: number } }>(
      'analyst',
      `/api/overview?from=${from}&to=${to}&buckets=24`,
    );
    expect(o.status).toBe(200);
    expect(o.body.events).toHaveLength(24);
    expect(o.body.events.reduce((a, b) => a + b, 0)).toBe(n.demoEvents);
    expect(o.body.ingest.storedEvents).toBe(n.demoEvents);
    expect(o.body.ingest.dropped).toBe(0);
    const q = 'event.code:4625';
    const h = await api<{ counts: number[]; total: number; partial: boolean }>(
      'analyst',
      `/api/events/histogram?from=${from}&to=${to}&buckets=48&q=${encodeURIComponent(q)}`,
    );
    expect(h.body.partial).toBe(false);
    expect(h.body.total).toBeGreaterThan(0);
    expect(h.body.counts.reduce((a, b) => a + b, 0)).toBe(h.body.total);
    expect(h.body.total).toBe(await countBySearch(q, from, to));
    const bad = await api('analyst', '/api/events/histogram?q=(unclosed');
    expect(bad.status).toBe(400);
  });

  it('offers field names and frequent values for autocomplete', async () => {
    const r = await api<{ fields: { name: string; kind: string; count: number; values: string[] }[] }>(
      'viewer',
      '/api/events/fields?sample=500',
    );
    const host = r.body.fields.find((f) => f.name === 'host.name');
    expect(host?.kind).toBe('ecs');
    expect(host?.count).toBeGreaterThan(0);
    expect(host?.values.length).toBeGreaterThan(0);
    expect(r.body.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['_format', '_label', 'event.code']));
  });

  it('exports exactly the matching events as NDJSON and CSV', async () => {
    const q = encodeURIComponent('event.code:4625');
    const ndjson = await api('analyst', `/api/events/export?q=${q}&format=ndjson`);
    const lines = ndjson.text.trim().split('\n');
    expect(lines.length).toBe(await countBySearch('event.code:4625', 0, Date.now() + 86_400_000));
    expect((JSON.parse(lines[0] ?? '{}') as { ecs: Record<string, unknown> }).ecs['event.code']).toBe('4625');
    const csv = await api('analyst', `/api/events/export?q=${q}&format=csv&max=3`);
    expect(csv.text.trim().split('\n')).toHaveLength(4);
    expect(csv.text.split('\n')[0]).toBe('id,time,host.name,user.name,event.code,source.ip,destination.ip,message');
  });

  it('lists the starter rules with hits and coverage, and tunes a level', async () => {
    const r = await api<{
      rules: { key: string; title: string; enabled: boolean; level: string; fields: string[] }[];
      packs: string[];
    }>('viewer', '/api/rules');
    expect(r.body.packs).toContain('starter');
    const whoami = r.body.rules.find((x) => x.title === 'Account Discovery With Whoami');
    expect(whoami?.fields).toEqual(expect.arrayContaining(['Image', 'CommandLine']));
    const key = encodeURIComponent(whoami?.key ?? '');
    const denied = await api('viewer', `/api/rules/${key}`, {
      method: 'PATCH',
      body: JSON.stringify({ level: 'high' }),
    });
    expect(denied.status).toBe(403);
    const tuned = await api<{ level: string; ruleLevel: string }>('analyst', `/api/rules/${key}`, {
      method: 'PATCH',
      body: JSON.stringify({ level: 'high' }),
    });
    expect(tuned.body).toMatchObject({ level: 'high', ruleLevel: whoami?.level });
    const restored = await api<{ level: string; ruleLevel?: string }>('analyst', `/api/rules/${key}`, {
      method: 'PATCH',
      body: JSON.stringify({ level: null }),
    });
    expect(restored.body.level).toBe(whoami?.level);
    expect(restored.body.ruleLevel).toBeUndefined();
    const missing = await api('analyst', '/api/rules/no-such-rule', {
      method: 'PATCH',
      body: JSON.stringify({ enabled: false }),
    });
    expect(missing.status).toBe(404);
    const cov = await api<{ techniques: { id: string; name?: string; rules: number }[] }>(
      'viewer',
      '/api/attack/coverage',
    );
    expect(cov.body.techniques.find((t) => t.id === 'T1033')).toMatchObject({ name: 'System Owner/User Discovery' });
    expect(cov.body.techniques.find((t) => t.id === 'T1033')?.rules).toBeGreaterThan(0);
  });

  it('imports a MISP event as STIX and keeps tenants apart', async () => {
    const event = {
      Event: {
        uuid: '5f1c3c1e-9b8a-4c3e-8d7f-0a1b2c3d4e5f',
        info: 'E2E phishing wave',
        date: '2026-11-20',
        timestamp: '1795600000',
        threat_level_id: '2',
        analysis: '1',
        distribution: '1',
        Tag: [{ name: 'tlp:green' }],
        Attribute: [
          {
            uuid: '6a2d4e1f-0b9c-4d8e-9f7a-1b2c3d4e5f60',
            type: 'domain',
            category: 'Network activity',
            value: 'login-e2e.example',
            to_ids: true,
            timestamp: '1795600000',
          },
        ],
      },
    };
    const r = await api<{ added: number; rejected: number; ids: string[] }>(
      'analyst',
      '/api/intel/import?format=misp',
      {
        method: 'POST',
        body: JSON.stringify(event),
      },
    );
    expect(r.status).toBe(200);
    expect(r.body.added).toBeGreaterThan(0);
    expect(r.body.rejected).toBe(0);
    const found = await api<{ items: { type: string; pattern?: string; tlp?: string }[] }>(
      'viewer',
      '/api/intel/objects?q=login-e2e',
    );
    expect(found.body.items.some((i) => i.type === 'indicator' && i.pattern?.includes('login-e2e.example'))).toBe(true);
    const other = await api<{ items: unknown[] }>('acme', '/api/intel/objects?q=login-e2e');
    expect(other.body.items).toEqual([]);
    const junk = await api('analyst', '/api/intel/import?format=stix', {
      method: 'POST',
      body: JSON.stringify({ hello: 1 }),
    });
    expect(junk.status).toBe(400);
  });

  it('validates STIX without storing it: errors, OASIS-style warnings, 2.0 bundles as 2.0', async () => {
    const indicator = {
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--1e2d3c4b-5a69-1788-9900-aabbccddeeff',
      created: '2024-01-01T00:00:00.000Z',
      modified: '2024-01-01T00:00:00.000Z',
      pattern: "[domain-name:value = 'validate-e2e.example']",
      pattern_type: 'stix',
      valid_from: '2024-01-01T00:00:00Z',
      lang: 'en_GB',
      priority: 'high',
    };
    type Report = {
      valid: boolean;
      version: string;
      errors: { path: string; rule: string }[];
      warnings: { path: string; rule: string }[];
    };
    const r = await api<Report>('viewer', '/api/intel/validate', { method: 'POST', body: JSON.stringify(indicator) });
    expect(r.status).toBe(200);
    expect(r.body.valid).toBe(false);
    expect(r.body.errors.map((e) => `${e.path} ${e.rule}`)).toEqual(['/lang lang']);
    expect(r.body.warnings.map((w) => `${w.path} ${w.rule}`)).toEqual(
      expect.arrayContaining(['/id uuid-check', '/ indicator-properties']),
    );
    const v20 = {
      type: 'bundle',
      id: 'bundle--1e2d3c4b-5a69-4788-9900-aabbccddeeff',
      spec_version: '2.0',
      objects: [
        {
          ...indicator,
          spec_version: undefined,
          pattern_type: undefined,
          lang: undefined,
          labels: ['malicious-activity'],
        },
      ],
    };
    const b = await api<Report>('viewer', '/api/intel/validate', { method: 'POST', body: JSON.stringify(v20) });
    expect(b.body).toMatchObject({ valid: true, version: '2.0', errors: [] });
    // Nothing was stored.
    const found = await api<{ items: unknown[] }>('viewer', '/api/intel/objects?q=validate-e2e');
    expect(found.body.items).toEqual([]);
    const notJson = await api('viewer', '/api/intel/validate', { method: 'POST', body: '"just a string"' });
    expect(notJson.status).toBe(400);
  });

  it("shows each tenant its own storage and only the operator's tenant the node's files", async () => {
    const own = await api<{ storage: { events: number; files?: Record<string, number> }; sources: unknown[] }>(
      'operator',
      '/api/node/status',
    );
    expect(own.body.storage.events).toBe(n.demoEvents);
    expect(Object.keys(own.body.storage.files ?? {})).toEqual(['events.db', 'intersoc.db']);
    const acme = await api<{ storage: { events: number; files?: unknown }; counters: Record<string, number> }>(
      'acme',
      '/api/node/status',
    );
    expect(acme.body.storage.events).toBe(0);
    expect(acme.body.storage.files).toBeUndefined();
    expect(acme.body.counters['udpDropped']).toBeUndefined();
    const viaOperator = await api<{ storage: { events: number } }>('operator', '/api/node/status?tenant=acme');
    expect(viaOperator.body.storage.events).toBe(0);
    const refused = await api('analyst', '/api/node/status?tenant=acme');
    expect(refused.status).toBe(403);
  });

  it("streams the tenant's alerts from the node's bus as Server-Sent Events", async () => {
    const res = await fetch(`${n.node.url}/api/alerts/stream`, {
      headers: { authorization: `Bearer ${tokens.viewer}` },
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const until = async (needle: string): Promise<void> => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}`);
        text += decoder.decode(value);
      }
    };
    await until('event: ready');
    const alert = (tenant: string, id: string): Alert => ({
      id,
      tenant,
      created: Date.now(),
      time: Date.now(),
      detector: { kind: 'sigma', ruleId: 'r', ruleTitle: 'Bus alert' },
      severity: 'high',
      tactics: [],
      techniques: [],
      entities: [],
      eventIds: [],
      summary: 'from the bus',
    });
    await n.node.bus.publish('alerts.acme', alert('acme', 'acme-bus-alert'));
    await n.node.bus.publish('alerts.default', alert('default', 'default-bus-alert'));
    await until('default-bus-alert');
    expect(text).not.toContain('acme-bus-alert');
    await reader.cancel();
  });
});
