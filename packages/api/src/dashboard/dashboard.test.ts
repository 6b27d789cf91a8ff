import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flattenInto, systemContext, type Alert, type AuthContext, type FlatFields } from '@intersoc/core';
import {
  openEventReader,
  openEventWriter,
  SqliteAlertTriage,
  type SqliteEventReader,
  type SqliteEventWriter,
} from '@intersoc/storage';
import { createHarness, type Harness } from '../internal/testing.js';
import type { AlertFeed, AlertTriageService } from '../services.js';
import { registerDashboardRoutes } from './register.js';

let h: Harness;
let dir: string;
let writer: SqliteEventWriter;
let reader: SqliteEventReader;
let acmeEventId: string;
const listeners = new Set<{ tenant: string; fn: (a: Alert) => void }>();

/** The feed the node builds from its bus, here over a plain listener set. */
const feed: AlertFeed = {
  subscribe(ctx: AuthContext, fn: (a: Alert) => void) {
    const l = { tenant: ctx.tenant, fn };
    listeners.add(l);
    return () => listeners.delete(l);
  },
};

function publish(a: Alert): void {
  for (const l of listeners) if (l.tenant === a.tenant) l.fn(a);
}

function alert(tenant: string, n: number, eventIds: string[] = []): Alert {
  return {
    id: `${tenant}-a${n}`,
    tenant,
    created: 1_700_000_000_000 + n,
    time: 1_700_000_000_000 + n * 1000,
    detector: { kind: 'sigma', ruleId: `r-${n % 2}`, ruleTitle: `Rule ${n % 2}` },
    severity: n % 2 === 0 ? 'high' : 'medium',
    tactics: ['credential-access'],
    techniques: ['T1003.001'],
    entities: [{ type: 'host', value: `${tenant}-dc1` }],
    eventIds,
    summary: `alert ${n} of ${tenant}`,
  };
}

beforeAll(async () => {
  h = await createHarness();
  dir = mkdtempSync(path.join(tmpdir(), 'intersoc-api-dash-'));
  const hydrator = {
    hydrate(e: { raw: string }) {
      const fields: FlatFields = {};
      flattenInto(fields, JSON.parse(e.raw));
      return { fields, ecs: {} };
    },
  };
  writer = openEventWriter(path.join(dir, 'events.db'), hydrator);
  reader = openEventReader(path.join(dir, 'events.db'), hydrator);
  const store = new SqliteAlertTriage(reader.db);
  const triage: AlertTriageService = {
    async list(ctx, q) {
      const { cursor, statuses, ...rest } = q;
      const page = store.list(ctx, {
        ...rest,
        ...(statuses ? { statuses } : {}),
        ...(cursor ? { cursor } : {}),
      });
      return page.next ? { items: page.items, nextCursor: page.next } : { items: page.items };
    },
    async get(ctx, id) {
      return store.get(ctx, id);
    },
    async setStatus(ctx, ids, change) {
      return store.setStatus(ctx, ids, change);
    },
  };
  registerDashboardRoutes(h.app, { search: h.events, triage, feed });
  // Routes are added before the first request readies the app.
  const r = await h.app.inject({
    method: 'POST',
    url: '/api/ingest',
    headers: { ...h.bearer('acme/annie'), 'content-type': 'application/x-ndjson' },
    payload: '{"message":"lsass access","host":"acme-dc1","user":"svc"}\n',
  });
  expect(r.statusCode).toBe(202);
  acmeEventId = (await h.events.searchEvents(systemContext('acme'), { q: '', limit: 1 })).items[0]?.id ?? '';
  writer.write({
    blocks: [],
    alerts: [alert('acme', 1, [acmeEventId]), alert('acme', 2), alert('acme', 3), alert('globex', 1)],
    deadLetters: [],
  });
});

afterAll(async () => {
  await h.close();
  reader.close();
  writer.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Queue {
  items: { alert: Alert; state: { status: string; reason?: string; by?: string } }[];
}

describe('dashboard routes', () => {
  it('declares roles on every route and documents them', async () => {
    const mine = h.routes.filter((r) => /^\/api\/(triage|alerts\/stream|soc-network)/.test(r.url));
    expect(mine.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      'GET /api/alerts/stream',
      'GET /api/soc-network',
      'GET /api/triage/alerts',
      'GET /api/triage/alerts/:id',
      'POST /api/triage/alerts/status',
    ]);
    const post = mine.find((r) => r.method === 'POST');
    expect(post?.access).toEqual(['admin', 'analyst']);
    expect(post?.audit).toBe('alert.status');
    const docs = (await h.app.inject({ method: 'GET', url: '/api/docs' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(docs.paths)).toContain('/api/triage/alerts/status');
  });

  it("lists the caller's queue only, and ?tenant= for the node operator only", async () => {
    const acme = await h.app.inject({ method: 'GET', url: '/api/triage/alerts', headers: h.bearer('acme/victor') });
    expect(acme.statusCode).toBe(200);
    expect(acme.json<Queue>().items.map((x) => x.alert.id)).toEqual(['acme-a3', 'acme-a2', 'acme-a1']);
    expect(acme.body).not.toContain('globex');
    const sev = await h.app.inject({
      method: 'GET',
      url: '/api/triage/alerts?minSeverity=high&status=new',
      headers: h.bearer('acme/victor'),
    });
    expect(sev.json<Queue>().items.map((x) => x.alert.id)).toEqual(['acme-a2']);
    const bad = await h.app.inject({
      method: 'GET',
      url: '/api/triage/alerts?status=open',
      headers: h.bearer('acme/victor'),
    });
    expect(bad.statusCode).toBe(400);
    const foreign = await h.app.inject({
      method: 'GET',
      url: '/api/triage/alerts?tenant=globex',
      headers: h.bearer('acme/alice'),
    });
    expect(foreign.statusCode).toBe(403);
    const op = await h.app.inject({
      method: 'GET',
      url: '/api/triage/alerts?tenant=globex',
      headers: h.bearer('default/root'),
    });
    expect(op.json<Queue>().items.map((x) => x.alert.id)).toEqual(['globex-a1']);
    const partner = await h.app.inject({ method: 'GET', url: '/api/triage/alerts', headers: h.bearer('acme/paul') });
    expect(partner.statusCode).toBe(403);
  });

  it('shows an alert with its events, and 404 for another tenant', async () => {
    const r = await h.app.inject({ method: 'GET', url: '/api/triage/alerts/acme-a1', headers: h.bearer('acme/annie') });
    expect(r.statusCode).toBe(200);
    const body = r.json<{ alert: Alert; events: { id: string; raw: string }[]; missingEvents: number }>();
    expect(body.events.map((e) => e.id)).toEqual([acmeEventId]);
    expect(body.events[0]?.raw).toContain('lsass access');
    expect(body.missingEvents).toBe(0);
    const other = await h.app.inject({
      method: 'GET',
      url: '/api/triage/alerts/globex-a1',
      headers: h.bearer('acme/annie'),
    });
    expect(other.statusCode).toBe(404);
  });

  it('changes states in bulk for analysts, never for viewers, and audits every attempt', async () => {
    const viewer = await h.app.inject({
      method: 'POST',
      url: '/api/triage/alerts/status',
      headers: h.bearer('acme/victor'),
      payload: { ids: ['acme-a1'], status: 'acknowledged' },
    });
    expect(viewer.statusCode).toBe(403);
    const noReason = await h.app.inject({
      method: 'POST',
      url: '/api/triage/alerts/status',
      headers: h.bearer('acme/annie'),
      payload: { ids: ['acme-a1'], status: 'closed' },
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json<{ error: { message: string } }>().error.message).toMatch(/reason/);
    const ok = await h.app.inject({
      method: 'POST',
      url: '/api/triage/alerts/status',
      headers: h.bearer('acme/annie'),
      payload: { ids: ['acme-a1', 'acme-a2', 'globex-a1'], status: 'closed', reason: 'benign backup job' },
    });
    expect(ok.json()).toEqual({ updated: 2, missing: ['globex-a1'] });
    const closed = await h.app.inject({
      method: 'GET',
      url: '/api/triage/alerts?status=closed',
      headers: h.bearer('acme/victor'),
    });
    expect(closed.json<Queue>().items.map((x) => [x.alert.id, x.state.reason, x.state.by])).toEqual([
      ['acme-a2', 'benign backup job', 'annie'],
      ['acme-a1', 'benign backup job', 'annie'],
    ]);
    const globex = await h.app.inject({ method: 'GET', url: '/api/triage/alerts', headers: h.bearer('globex/gus') });
    expect(globex.json<Queue>().items[0]?.state.status).toBe('new');
    const log = await h.stores.audit.list(systemContext('acme'), { action: 'alert.status' });
    expect(log.items.map((e) => `${e.actor}:${e.outcome}`).sort()).toEqual([
      'annie:failure',
      'annie:success',
      'victor:denied',
    ]);
  });

  it('reports that peering is not configured without a federation service', async () => {
    const r = await h.app.inject({ method: 'GET', url: '/api/soc-network', headers: h.bearer('acme/victor') });
    expect(r.json()).toMatchObject({ configured: false, peers: [] });
  });

  it("streams the caller's tenant's alerts as Server-Sent Events", async () => {
    const address = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const unauth = await fetch(`${address}/api/alerts/stream`);
    expect(unauth.status).toBe(401);
    const res = await fetch(`${address}/api/alerts/stream`, { headers: h.bearer('acme/victor') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: string): Promise<void> => {
      while (!text.includes(needle)) {
        const { value, done } = await body.read();
        if (done) throw new Error(`stream ended before ${needle}`);
        text += decoder.decode(value);
      }
    };
    await readUntil('event: ready');
    publish(alert('globex', 9));
    publish(alert('acme', 9));
    await readUntil('acme-a9');
    expect(text).toContain('event: alert');
    expect(text).not.toContain('globex-a9');
    await body.cancel();
  });
});
