import { existsSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { buildApi, registerDashboardRoutes } from '@intersoc/api';
import { AppError, systemContext } from '@intersoc/core';
import { openSqliteCtiStore } from '@intersoc/cti';
import { openDatabase, openSqliteAuthStores } from '@intersoc/storage';
import { intelService } from './intel.js';
import { stixSchemaDir, stixValidationService } from './stix-validation.js';

const ctx = systemContext('default');
const indicator = (n: number, extra: Record<string, unknown> = {}) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  created: '2024-01-01T00:00:00.000Z',
  modified: '2024-01-01T00:00:00.000Z',
  pattern: "[ipv4-addr:value = '198.51.100.1']",
  pattern_type: 'stix',
  valid_from: '2024-01-01T00:00:00Z',
  ...extra,
});
const bundle = (objects: unknown[]) => ({
  type: 'bundle',
  id: 'bundle--00000000-0000-4000-8000-0000000000b1',
  objects,
});

describe('intel import validates every object', () => {
  it('rejects an injected timestamp and a pattern nested 3,000 deep with reasons, and stores the rest', async () => {
    const store = openSqliteCtiStore(':memory:');
    const deep = `${'('.repeat(3000)}[ipv4-addr:value = '1.2.3.4']${')'.repeat(3000)}`;
    const r = await intelService(store).import(
      ctx,
      'stix',
      bundle([indicator(1, { created: { $gt: 1 } }), indicator(2, { pattern: deep }), indicator(3)]),
    );
    expect(r).toMatchObject({ added: 1, rejected: 2, ids: [indicator(3).id] });
    expect(r.reasons[0]).toMatch(/000000000001: \/created.*not a STIX timestamp/);
    expect(r.reasons[1]).toMatch(/000000000002: .*nests deeper than 100 levels/);
    expect(store.count(ctx)).toBe(1);
  });

  it('answers a client error, not a server error, when nothing in the request is valid', async () => {
    const store = openSqliteCtiStore(':memory:');
    const deep = `${'('.repeat(3000)}[ipv4-addr:value = '1.2.3.4']${')'.repeat(3000)}`;
    const err = await intelService(store)
      .import(ctx, 'stix', indicator(4, { pattern: deep }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'VALIDATION' });
    expect((err as AppError).message).toMatch(/nests deeper/);
    expect((err as AppError).details).toMatchObject({ rejected: 1 });
  });
});

describe('POST /api/intel/import', () => {
  it('answers 400 with the reason for a pattern nested 3,000 deep, and 200 for a valid bundle', async () => {
    const db = openDatabase(':memory:');
    const stores = openSqliteAuthStores(db);
    await stores.tenants.create(systemContext('default'), { name: 'acme' });
    const acme = systemContext('acme');
    await stores.users.create(acme, { name: 'annie', role: 'analyst' });
    const token = (await stores.tokens.create(acme, { user: 'annie', name: 'test' })).secret;
    const unsupported = (): never => {
      throw new AppError('UNSUPPORTED', 'not part of this test');
    };
    const search = {
      searchEvents: async () => unsupported(),
      getEvent: async () => undefined,
      searchAlerts: async () => unsupported(),
      listDeadLetters: async () => unsupported(),
    };
    const api = await buildApi({
      stores,
      services: { ingest: { ingest: async () => unsupported() }, search },
      registry: new Registry(),
    });
    registerDashboardRoutes(api.app, { search, intel: intelService(openSqliteCtiStore(db)) });
    await api.app.ready();
    const post = (body: unknown) =>
      api.app.inject({
        method: 'POST',
        url: '/api/intel/import',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    const deep = `${'('.repeat(3000)}[ipv4-addr:value = '1.2.3.4']${')'.repeat(3000)}`;
    const bad = await post(indicator(5, { pattern: deep }));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/nests deeper than 100 levels/);
    const good = await post(bundle([indicator(6)]));
    expect(good.statusCode).toBe(200);
    expect(good.json()).toMatchObject({ added: 1, rejected: 0 });
    await api.app.close();
  });
});

describe.skipIf(!existsSync(stixSchemaDir()))(
  'intel import with the OASIS schemas (corpus)',
  { tags: ['corpus'] },
  () => {
    it('refuses what only the schemas forbid, with the reason, and stores the rest', async () => {
      const store = openSqliteCtiStore(':memory:');
      const v = stixValidationService();
      const service = intelService(store, undefined, {
        validate: (o) => {
          const e = v.validate(o).errors[0];
          return e ? `${e.path} ${e.message}` : undefined;
        },
      });
      const r = await service.import(ctx, 'stix', bundle([indicator(7, { name: 123 }), indicator(8)]));
      expect(r).toMatchObject({ added: 1, rejected: 1, ids: [indicator(8).id] });
      expect(r.reasons[0]).toMatch(/000000000007: .*name/);
    });
  },
);
