/**
 * The api role's model routes on a real PostgreSQL server (a scratch database): a model stored in
 * the PostgreSQL registry is listed, shown, deployed and retired through the API; another
 * tenant's token sees none of it; a second API instance on its own connections reads what the
 * first deployed; drift reads the PostgreSQL event store; retrain is refused as not served. The
 * detect role's `ml` detector, given the store's URL, loads the model deployed through the API
 * and drops it once retired (the registry's revision), as the embedded node does over SQLite.
 * Skips, and says so, only when PostgreSQL is unreachable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { dayOf, eventId, systemContext } from '@intersoc/core';
import { buildApi } from '@intersoc/api';
import type { MlDetector } from '@intersoc/detect';
import { encodeBlock } from '@intersoc/storage';
import { PgModelStore, type ModelDoc } from '@intersoc/learn';
import {
  createScratchDb,
  migratePg,
  openPgAuthStores,
  openPgEventStore,
  openSyncPg,
  type PgAuthStores,
  type PgEventStore,
} from '@intersoc/storage/postgres';
import { createHydrator } from '../pipeline/hydrator.js';
import { mlDetectors, pgRegistrySource } from '../pipeline/ml-factory.js';
import { registerApiMl } from './api-ml.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-api-ml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SRC = { format: 'json', kind: 'file', name: 'flows' } as const;

const probe = await createScratchDb('intersoc_api_ml_probe');
if ('unavailable' in probe) console.warn(`api role model route tests on PostgreSQL skipped: ${probe.unavailable}`);
else await probe.drop();

/** A one-feature logistic model with a training profile (so drift reads events). */
function doc(threshold: number): ModelDoc {
  return {
    kind: 'intersoc-model',
    formatVersion: 1,
    algorithm: 'logreg',
    schema: {
      features: [{ name: 'bytes', kind: 'number' }],
      label: 'Label',
      classes: ['BENIGN', 'DoS'],
      benign: 'BENIGN',
    },
    detector: {
      type: 'logreg',
      model: { classes: 2, cols: 1, weights: [0, 1], bias: [0, 0], mean: [0], scale: [1] },
    },
    threshold,
    params: { l2: 1e-4 },
    training: {
      dataHash: 'abc',
      rows: 10,
      profile: [{ feature: 'bytes', edges: [10, 100], shares: [0.3, 0.3, 0.4, 0] }],
    },
    metrics: { validation: { accuracy: 0.9 } },
  } as ModelDoc;
}

/** `n` JSON events of the tenant with a `bytes` field, in the last minutes (one block per day). */
async function writeFlows(events: PgEventStore, tenant: string, n: number): Promise<void> {
  const now = Date.now();
  const byDay = new Map<number, Parameters<typeof encodeBlock>[2][number][]>();
  for (let i = 0; i < n; i++) {
    const raw = JSON.stringify({ bytes: (i * 37) % 200, n: i });
    const time = now - 1000 - i * 1000;
    const list = byDay.get(dayOf(time)) ?? [];
    list.push({ id: eventId(tenant, `f:${i}`, raw), time, ingested: now, source: SRC, raw });
    byDay.set(dayOf(time), list);
  }
  const blocks = [...byDay].map(([day, list]) => encodeBlock(tenant, day, list));
  expect(await events.write({ blocks, alerts: [], deadLetters: [] })).toMatchObject({ events: n });
}

interface Api {
  call(token: string, method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** The api role's server as api-role.ts builds it, with only the model routes. */
async function api(stores: PgAuthStores, events: PgEventStore): Promise<Api> {
  const { app } = await buildApi({
    stores,
    services: {
      ingest: { ingest: () => Promise.reject(new Error('not in this test')) },
      search: {
        searchEvents: () => Promise.reject(new Error('not in this test')),
        getEvent: () => Promise.resolve(undefined),
        searchAlerts: () => Promise.reject(new Error('not in this test')),
        listDeadLetters: () => Promise.reject(new Error('not in this test')),
      },
    },
    registry: new Registry(),
  });
  registerApiMl(app, { pg: stores.pg, events });
  await app.ready();
  return {
    async call(token, method, url, body) {
      const r = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      });
      return { status: r.statusCode, body: r.body === '' ? undefined : (JSON.parse(r.body) as unknown) };
    },
    close: () => app.close(),
  };
}

async function token(stores: PgAuthStores, tenant: string, name: string): Promise<string> {
  const ctx = systemContext(tenant);
  // Tenants are created by the operator (the default tenant's admin).
  if (!(await stores.tenants.get(systemContext('default'), tenant)))
    await stores.tenants.create(systemContext('default'), { name: tenant });
  await stores.users.create(ctx, { name, role: 'admin' });
  return (await stores.tokens.create(ctx, { user: name, name: 'test' })).secret;
}

describe.skipIf(!('url' in probe))('api role: model routes on PostgreSQL', () => {
  it('lists, shows, deploys and retires per tenant; a second instance and the detect role see the deploy', async () => {
    const db = await createScratchDb('intersoc_api_ml');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const closers: (() => Promise<void> | void)[] = [];
    try {
      const stores = openPgAuthStores(db.url);
      closers.push(() => stores.close());
      const events = await openPgEventStore(db.url, { hydrator: createHydrator() });
      closers.push(() => events.close());
      const a = await api(stores, events);
      closers.push(() => a.close());
      const alice = await token(stores, 'acme', 'alice');
      const bob = await token(stores, 'other', 'bob');
      // Models come from `intersoc ml train|import --store`; here straight into the registry.
      const registry = new PgModelStore(stores.pg);
      registry.add(systemContext('acme'), 'flows', doc(0.5));
      registry.add(systemContext('acme'), 'flows', doc(0.7));

      const list = await a.call(alice, 'GET', '/api/ml/models');
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({
        items: [
          { name: 'flows', version: 2, status: 'trained', threshold: 0.7 },
          { name: 'flows', version: 1, status: 'trained', threshold: 0.5 },
        ],
      });
      const shown = await a.call(alice, 'GET', '/api/ml/models/flows?version=1');
      expect(shown).toMatchObject({ status: 200, body: { name: 'flows', version: 1, schema: { benign: 'BENIGN' } } });

      const source = pgRegistrySource(stores.pg);
      const before = source.revision();
      const deployed = await a.call(alice, 'POST', '/api/ml/models/flows/deploy', { version: 1 });
      expect(deployed).toMatchObject({ status: 200, body: { name: 'flows', version: 1, status: 'deployed' } });
      expect(source.revision()).not.toBe(before);
      expect(source.deployed('acme').map((m) => [m.name, m.version, m.doc.threshold])).toEqual([['flows', 1, 0.5]]);
      expect(source.deployed('other')).toEqual([]);

      // The other tenant sees nothing and can change nothing.
      expect((await a.call(bob, 'GET', '/api/ml/models')).body).toEqual({ items: [] });
      expect((await a.call(bob, 'GET', '/api/ml/models/flows')).status).toBe(404);
      expect((await a.call(bob, 'POST', '/api/ml/models/flows/deploy', {})).status).toBe(404);
      expect((await a.call(bob, 'POST', '/api/ml/models/flows/retire', {})).status).toBe(404);

      // A second API instance on its own connections reads the deploy.
      const stores2 = openPgAuthStores(db.url);
      closers.push(() => stores2.close());
      const b = await api(stores2, events);
      closers.push(() => b.close());
      expect((await b.call(alice, 'GET', '/api/ml/models')).body).toMatchObject({
        items: [
          { version: 2, status: 'trained' },
          { version: 1, status: 'deployed' },
        ],
      });

      // The detect role's `ml` detector reads the same registry through the store's URL.
      const detectors = await mlDetectors({ dataDir: dir, kinds: ['ml'], storeUrl: db.url });
      closers.push(async () => {
        for (const d of detectors) await d.close?.();
      });
      const detector = detectors[0] as MlDetector | undefined;
      expect(detector?.models('acme')).toEqual([{ name: 'flows', version: 1 }]);
      expect(detector?.models('other')).toEqual([]);

      // Drift reads the PostgreSQL event store: nothing yet, no figure and why; then the
      // tenant's own flows only (the other tenant's, more numerous, are not read).
      const empty = await b.call(alice, 'GET', '/api/ml/models/flows/drift?hours=1');
      expect(empty).toMatchObject({ status: 200, body: { name: 'flows', version: 1, rows: 0, status: 'unknown' } });
      expect((empty.body as { reason: string }).reason).toMatch(/at least 100 are needed/);
      await writeFlows(events, 'acme', 120);
      await writeFlows(events, 'other', 200);
      const drift = await b.call(alice, 'GET', '/api/ml/models/flows/drift?hours=1');
      expect(drift).toMatchObject({ status: 200, body: { name: 'flows', version: 1, rows: 120, scannedEvents: 120 } });
      expect((drift.body as { status: string }).status).not.toBe('unknown');

      const retrain = await b.call(alice, 'POST', '/api/ml/models/flows/retrain', {});
      expect(retrain.body).toMatchObject({ error: { code: 'UNSUPPORTED' } });

      expect(await b.call(alice, 'POST', '/api/ml/models/flows/retire', { version: 1 })).toMatchObject({
        status: 200,
        body: { retired: 1 },
      });
      expect((await a.call(alice, 'GET', '/api/ml/models/flows?version=1')).body).toMatchObject({ status: 'retired' });
      expect(source.deployed('acme')).toEqual([]);
    } finally {
      for (const c of closers.reverse()) await c();
      await db.drop();
    }
  });

  it('reads a tenant again after a failed read, though no deploy moved the revision', async () => {
    const db = await createScratchDb('intersoc_api_ml_outage');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const pg = openSyncPg(db.url);
    try {
      new PgModelStore(pg).add(systemContext('acme'), 'flows', doc(0.5));
      new PgModelStore(pg).deploy(systemContext('acme'), 'flows');
      const source = pgRegistrySource(pg);
      const rev = source.revision();
      pg.run('ALTER TABLE ml_models RENAME TO ml_models_away');
      expect(() => source.deployed('acme')).toThrow();
      pg.run('ALTER TABLE ml_models_away RENAME TO ml_models');
      expect(source.revision()).not.toBe(rev);
      expect(source.deployed('acme').map((m) => m.version)).toEqual([1]);
    } finally {
      await pg.close();
      await db.drop();
    }
  });
});
