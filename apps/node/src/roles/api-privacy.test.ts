/**
 * The api role's privacy routes and view on a real PostgreSQL server (a scratch database): two API
 * instances on two connections to one store, as behind a load balancer. A restriction written on
 * one is read on the other and hidden from another tenant; a pseudonymised analyst sees a
 * workstation of the shared inventory under a pseudonym, which the other instance re-identifies
 * for a case; export and erasure answer UNSUPPORTED. Skipped only when PostgreSQL is unreachable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext, type Role } from '@intersoc/core';
import type { BuiltApi } from '@intersoc/api';
import { CaseService, PgCaseStore } from '@intersoc/cases';
import { PgAssetStore, PgIncidentStore } from '@intersoc/correlate';
import { migratePg, type PgAuthStores } from '@intersoc/storage/postgres';
import { loadConfig } from '../config.js';
import { apiPrivacy, registerApiPrivacy } from './api-privacy.js';
import { apiInstance, closeInstance, injectJson, scratchPg, seedUsers } from './internal/testing.js';

const db = await scratchPg('intersoc_api_privacy', 'api privacy tests');

const USERS: readonly [string, string, Role][] = [
  ['acme', 'ada', 'admin'],
  ['acme', 'ann', 'analyst'],
  ['acme', 'bob', 'analyst'],
  ['globex', 'gus', 'admin'],
];

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-api-privacy-'));
let tokens: Record<string, string> = {};
const apis: BuiltApi[] = [];
const stores: PgAuthStores[] = [];

async function openApi(url: string): Promise<BuiltApi> {
  const config = loadConfig({
    data: dir,
    env: {},
    overrides: { privacy: { pseudonymiseRoles: ['analyst'] } },
  });
  // The view is built before the routes are registered: both use this one privacy service.
  let privacy: ReturnType<typeof apiPrivacy> | undefined;
  const { api, stores: s } = await apiInstance(url, {
    view: (s) => (privacy = apiPrivacy(config, s.pg)).responseView(),
    register: (app, s) => {
      registerApiPrivacy(app, { config, pg: s.pg, privacy: privacy as ReturnType<typeof apiPrivacy> });
      // An answer naming the workstation, shaped by the view as any answer outside /api/privacy/.
      app.get('/api/test/host', { config: { access: ['admin', 'analyst'] } }, async () => ({
        host: 'wks-anna',
        note: 'seen on wks-anna',
      }));
    },
  });
  stores.push(s);
  apis.push(api);
  return api;
}

const call = (api: BuiltApi, who: string, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
  injectJson({ api }, tokens[who], method, url, payload);

beforeAll(async () => {
  if (!db) return;
  await migratePg(db.url);
  await openApi(db.url);
  await openApi(db.url);
  const s = stores[0] as PgAuthStores;
  tokens = await seedUsers(s, USERS);
  new PgAssetStore(s.pg).upsert(systemContext('acme'), [
    { kind: 'host', name: 'wks-anna', criticality: 'low', role: 'workstation', owner: 'Anna Nowak' },
  ]);
});

afterAll(async () => {
  for (const [i, api] of apis.entries()) await closeInstance({ api, stores: stores[i] as PgAuthStores });
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!db)('api role privacy on PostgreSQL', () => {
  it('restrictions: written on one instance, read on the other, not seen by another tenant', async () => {
    const [a, b] = apis as [BuiltApi, BuiltApi];
    const put = await call(a, 'ada', 'POST', '/api/privacy/restrictions', {
      subject: 'user:jdoe',
      reason: 'objection (Art. 21)',
    });
    expect(put.status).toBe(200);
    const read = await call(b, 'ada', 'GET', '/api/privacy/restrictions');
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.body)).toContain('user:jdoe');
    const other = await call(b, 'gus', 'GET', '/api/privacy/restrictions');
    expect(other.status).toBe(200);
    expect(JSON.stringify(other.body)).not.toContain('jdoe');
    const lifted = await call(b, 'ada', 'POST', '/api/privacy/restrictions/lift', { subject: 'user:jdoe' });
    expect(lifted.status).toBe(200);
    expect(JSON.stringify((await call(a, 'ada', 'GET', '/api/privacy/restrictions')).body)).not.toContain('jdoe');
  });

  it('pseudonymises the shared inventory and re-identifies on the other instance for a case', async () => {
    const [a, b] = apis as [BuiltApi, BuiltApi];
    const seen = await call(a, 'ann', 'GET', '/api/test/host');
    expect(seen.status).toBe(200);
    const pseudonym = String(seen.body['host']);
    expect(pseudonym).toMatch(/^host-[0-9a-f]{8}$/);
    expect(JSON.stringify(seen.body)).not.toContain('wks-anna');
    // The admin is not pseudonymised.
    expect((await call(b, 'ada', 'GET', '/api/test/host')).body['host']).toBe('wks-anna');
    // Same key file, same store: the other instance shows the same pseudonym.
    expect((await call(b, 'bob', 'GET', '/api/test/host')).body['host']).toBe(pseudonym);
    // Re-identification needs a case of the tenant.
    const noCase = await call(b, 'ann', 'POST', '/api/privacy/reidentify', {
      pseudonym,
      caseId: '1',
      reason: 'containment of the phishing case',
    });
    expect(noCase.status).toBe(404);
    const s = stores[0] as PgAuthStores;
    const cases = new CaseService({ store: new PgCaseStore(s.pg), incidents: new PgIncidentStore(s.pg) });
    const c = cases.create(systemContext('acme'), { title: 'phishing', template: 'none' });
    const re = await call(b, 'ann', 'POST', '/api/privacy/reidentify', {
      pseudonym,
      caseId: String(c.number),
      reason: 'containment of the phishing case',
    });
    expect(re.status).toBe(200);
    expect(re.body).toMatchObject({ status: 'approved', value: 'wks-anna' });
    // Another tenant has no such pseudonym.
    const other = await call(a, 'gus', 'POST', '/api/privacy/reidentify', {
      pseudonym,
      caseId: String(c.number),
      reason: 'containment of the phishing case',
    });
    expect(other.status).toBe(404);
    // The DPO's log (an admin) on the first instance lists the request made on the second.
    const log = await call(a, 'ada', 'GET', '/api/privacy/reidentifications');
    expect(JSON.stringify(log.body)).toContain(pseudonym);
    expect(JSON.stringify(log.body)).not.toContain('wks-anna');
  });

  it('answers subject export and erasure with UNSUPPORTED', async () => {
    const [a] = apis as [BuiltApi, BuiltApi];
    const x = await call(a, 'ada', 'POST', '/api/privacy/export', { subject: 'user:jdoe' });
    expect(x.body).toMatchObject({ error: { code: 'UNSUPPORTED' } });
    const e = await call(a, 'ada', 'POST', '/api/privacy/erase', { subject: 'user:jdoe' });
    expect(e.body).toMatchObject({ error: { code: 'UNSUPPORTED' } });
    expect(JSON.stringify(e.body)).toContain('event store');
  });
});
