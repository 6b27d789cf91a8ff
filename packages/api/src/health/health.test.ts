import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, openSqliteAuthStores } from '@intersoc/storage';
import { buildApi } from '../build-api.js';
import { createHarness, MemoryEventService } from '../internal/testing.js';
import type { Harness } from '../internal/testing.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

describe('GET /api/health', () => {
  it('needs no credentials and reports the auth store', async () => {
    const r = await h.app.inject({ method: 'GET', url: '/api/health' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ok', checks: { 'auth-store': { status: 'ok' } } });
  });

  it('includes injected checks, degrades, and answers 503 when something is down', async () => {
    const events = new MemoryEventService();
    const db = openDatabase(':memory:');
    let pipeline: 'ok' | 'degraded' | 'down' = 'degraded';
    const { app } = await buildApi({
      stores: openSqliteAuthStores(db),
      services: { ingest: events, search: events },
      registry: new Registry(),
      health: async () => ({ pipeline: { status: pipeline, detail: 'queue 90% full' } }),
    });
    const degraded = await app.inject({ method: 'GET', url: '/api/health' });
    expect(degraded.statusCode).toBe(200);
    expect(degraded.json()).toMatchObject({
      status: 'degraded',
      checks: { pipeline: { status: 'degraded', detail: 'queue 90% full' } },
    });
    pipeline = 'down';
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(503);
    pipeline = 'ok';
    db.close();
    const closed = await app.inject({ method: 'GET', url: '/api/health' });
    expect(closed.statusCode).toBe(503);
    expect(closed.json()).toMatchObject({ checks: { 'auth-store': { status: 'down' } } });
    expect(closed.body).not.toMatch(/database|sqlite/i);
    await app.close();
  });
});

describe('GET /metrics', () => {
  it('needs a token of the default tenant, then serves Prometheus text with request counts', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/metrics', headers: h.bearer('acme/alice') })).statusCode).toBe(
      403,
    );
    for (let i = 0; i < 3; i++)
      await h.app.inject({ method: 'GET', url: '/api/tenants', headers: h.bearer('acme/victor') });
    const r = await h.app.inject({ method: 'GET', url: '/metrics', headers: h.bearer('default/prom') });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(r.body).toContain('# TYPE intersoc_http_requests_total counter');
    expect(r.body).toMatch(/intersoc_http_requests_total\{method="GET",route="\/api\/tenants",status="403"\} 3/);
    expect(r.body).toMatch(/intersoc_http_requests_total\{method="GET",route="\/metrics",status="401"\} 1/);
    expect(r.body).toContain('intersoc_http_request_duration_seconds_bucket');
  });

  it("exposes the node's own metrics from the shared registry", async () => {
    const { Gauge } = await import('prom-client');
    const g = new Gauge({ name: 'intersoc_queue_depth', help: 'events waiting', registers: [h.registry] });
    g.set(42);
    const r = await h.app.inject({ method: 'GET', url: '/metrics', headers: h.bearer('default/root') });
    expect(r.body).toContain('intersoc_queue_depth 42');
  });

  it('can be opened with metricsAuth: none', async () => {
    const open = await createHarness({ apiOptions: { metricsAuth: 'none' } });
    try {
      expect((await open.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    } finally {
      await open.close();
    }
  });
});
