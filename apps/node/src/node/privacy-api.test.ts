/**
 * Pseudonymised triage through the real API over a real event store (simulated telemetry): a role
 * configured for pseudonyms gets no real value of an inventory field from event and alert search,
 * the same value always gets the same pseudonym, a search by pseudonym finds the value's events,
 * re-identification needs a case, a reason and (four eyes) a second person, the DPO reads the log,
 * and a restricted subject's events are not shown until the restriction is lifted.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema, systemContext, type Role } from '@intersoc/core';
import { buildApi, registerDashboardRoutes, registerPrivacyRoutes, type BuiltApi } from '@intersoc/api';
import { Inventory } from '@intersoc/privacy';
import { lastWorkingHour } from '@intersoc/simulate';
import {
  EVENTS_DB_FILE,
  NODE_DB_FILE,
  openDatabase,
  openEventReader,
  openSqliteAuthStores,
  type SqliteDb,
  type SqliteEventReader,
} from '@intersoc/storage';
import { createHydrator } from '../pipeline/hydrator.js';
import { NodePrivacy } from './privacy-api.js';
import { startSearcher } from './search/searcher.js';
import { overviewService, RateSampler, searchService } from './services.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-privacy-api-'));
const USERS: readonly [string, Role][] = [
  ['ada', 'admin'],
  ['ann', 'analyst'],
  ['bob', 'analyst'],
  ['vic', 'viewer'],
  ['dora', 'dpo'],
];
const tokens: Record<string, string> = {};
let api: BuiltApi;
let db: SqliteDb;
let reader: SqliteEventReader;
let caseId = '';

function cli(...args: string[]): string {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/intersoc'), ...args, '--data', dir, '--json'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function call(user: string, method: 'GET' | 'POST', url: string, body?: unknown) {
  const r = await api.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${tokens[user]}` },
    ...(body === undefined ? {} : { payload: body as object }),
  });
  let parsed: Record<string, unknown> = {};
  try {
    parsed = r.json<Record<string, unknown>>();
  } catch {
    // NDJSON and CSV exports
  }
  return { status: r.statusCode, body: parsed, text: r.body };
}

beforeAll(async () => {
  // Ends in office hours, so the demo's people are at work whatever time the test runs.
  cli('demo', '--hours', '2', '--seed', '1', '--end', new Date(lastWorkingHour(Date.now())).toISOString());
  const incidents = JSON.parse(cli('incidents', 'list')) as { id: string }[];
  caseId = (JSON.parse(cli('cases', 'open', incidents[0]?.id ?? '')) as { id: string }).id;
  const config = ConfigSchema.parse({
    data: dir,
    search: { readers: 0 },
    privacy: { pseudonymiseRoles: ['analyst', 'viewer'], fourEyes: true },
  });
  db = openDatabase(path.join(dir, NODE_DB_FILE));
  const stores = openSqliteAuthStores(db);
  for (const [name, role] of USERS) {
    await stores.users.create(systemContext('default'), { name, role });
    tokens[name] = (await stores.tokens.create(systemContext('default'), { user: name, name: 'test' })).secret;
  }
  reader = openEventReader(path.join(dir, EVENTS_DB_FILE), createHydrator());
  const searcher = startSearcher(config.search, dir, reader);
  const privacy = new NodePrivacy(config, db, reader);
  api = await buildApi({
    stores,
    services: {
      search: searchService(reader, searcher),
      ingest: { ingest: () => Promise.reject(new Error('not in this test')) },
    },
    registry: new Registry(),
    view: privacy.responseView(),
  });
  registerPrivacyRoutes(api.app, { privacy: privacy.service() });
  registerDashboardRoutes(api.app, {
    search: searchService(reader, searcher),
    overview: overviewService({
      searcher,
      sampler: new RateSampler(reader, async () => ['default']),
      dropped: () => 0,
    }),
  });
}, 120_000);

afterAll(async () => {
  await api?.app.close();
  reader?.close();
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Page {
  items: { ecs: Record<string, unknown>; fields: Record<string, unknown>; raw: string }[];
}

describe('pseudonymised triage', () => {
  it('shows no real value of an inventory field to a pseudonymised role; admins see values', async () => {
    const real = await call('ada', 'GET', '/api/events?q=kschmidt&limit=200');
    expect(real.status).toBe(200);
    const realPage = real.body as unknown as Page;
    expect(realPage.items.length).toBeGreaterThan(0);
    const inv = Inventory.of(ConfigSchema.parse({}), 'default');
    const values = new Set(
      realPage.items.flatMap((e) => inv.valuesOfRecord(e.ecs, e.fields).map((v) => v.value.toLowerCase())),
    );
    expect(values.has('kschmidt')).toBe(true);

    for (const user of ['vic', 'ann']) {
      const p = await call(user, 'GET', '/api/events?q=kschmidt&limit=200');
      expect(p.status).toBe(200);
      const page = p.body as unknown as Page;
      expect(page.items).toHaveLength(realPage.items.length);
      const text = p.text.toLowerCase();
      for (const v of values)
        expect(text, v).not.toMatch(
          new RegExp(`(?<![a-z0-9_])${v.replace(/[.*+?^${}()|[\]\\$]/g, '\\$&')}(?![a-z0-9_])`),
        );
      const names = new Set(page.items.map((e) => String(e.ecs['user.name'] ?? '')).filter((n) => n !== ''));
      for (const n of names) expect(n).toMatch(/^(user-[0-9a-f]{8}|SYSTEM)/);
    }
    const alerts = await call('vic', 'GET', '/api/alerts?q=kschmidt');
    expect(alerts.status).toBe(200);
    expect((alerts.body['items'] as unknown[]).length).toBeGreaterThan(0);
    expect(alerts.text.toLowerCase()).not.toContain('kschmidt');
  });

  it('pseudonymises file exports too (NDJSON and CSV are no JSON answers)', async () => {
    for (const format of ['ndjson', 'csv']) {
      const real = await call('ada', 'GET', `/api/events/export?q=kschmidt&format=${format}&max=200`);
      expect(real.status).toBe(200);
      expect(real.text.toLowerCase()).toContain('kschmidt');
      const seen = await call('vic', 'GET', `/api/events/export?q=kschmidt&format=${format}&max=200`);
      expect(seen.status).toBe(200);
      expect(seen.text.split('\n').length).toBe(real.text.split('\n').length);
      expect(seen.text.toLowerCase()).not.toMatch(/(?<![a-z0-9_])kschmidt(?![a-z0-9_])/);
      expect(seen.text).toMatch(/user-[0-9a-f]{8}/);
    }
  });

  it('gives a value the same pseudonym every time, and finds its events by the pseudonym', async () => {
    const a = (await call('ann', 'GET', '/api/events?q=kschmidt&limit=50')).body as unknown as Page;
    const b = (await call('vic', 'GET', '/api/events?q=kschmidt&limit=50')).body as unknown as Page;
    const pa = JSON.stringify(a).match(/user-[0-9a-f]{8}/g) ?? [];
    const pb = JSON.stringify(b).match(/user-[0-9a-f]{8}/g) ?? [];
    expect(pa.length).toBeGreaterThan(0);
    expect(new Set(pa)).toEqual(new Set(pb));
    const pseudonym = (
      a.items.find((e) => /^user-/.test(String(e.ecs['user.name'])))?.ecs['user.name'] as string
    ).slice(0, 13);
    const byPseudonym = await call('ann', 'GET', `/api/events?q=${encodeURIComponent(pseudonym)}&limit=500`);
    const real = await call('ada', 'GET', '/api/events?q=kschmidt&limit=500');
    expect((byPseudonym.body['items'] as unknown[]).length).toBe((real.body['items'] as unknown[]).length);
  });

  it('re-identifies for a case with a reason, approved by a second person, logged for the DPO', async () => {
    const real = (await call('ada', 'GET', '/api/events?q=kschmidt&limit=50')).body as unknown as Page;
    const page = (await call('ann', 'GET', '/api/events?q=kschmidt&limit=50')).body as unknown as Page;
    const at = real.items.findIndex((e) => e.ecs['user.name'] === 'kschmidt');
    const pseudonym = String(page.items[at]?.ecs['user.name']);
    expect(pseudonym).toMatch(/^user-[0-9a-f]{8}$/);
    const noCase = await call('ann', 'POST', '/api/privacy/reidentify', {
      pseudonym,
      caseId: 'no-such-case',
      reason: 'lateral movement from this account',
    });
    expect(noCase.status).toBe(404);
    const req = await call('ann', 'POST', '/api/privacy/reidentify', {
      pseudonym,
      caseId,
      reason: 'lateral movement from this account',
    });
    expect(req.status).toBe(200);
    expect(req.body['status']).toBe('pending');
    expect(req.body['value']).toBeUndefined();
    const id = String(req.body['id']);
    // The second person finds the pending request in their list; a third request stays the requester's own.
    const bobs = (await call('bob', 'GET', '/api/privacy/requests')).body['items'] as { id: string }[];
    expect(bobs.map((r) => r.id)).toContain(id);
    expect((await call('vic', 'GET', '/api/privacy/requests')).status).toBe(403);
    expect((await call('ann', 'POST', `/api/privacy/reidentify/${id}/decision`, { approve: true })).status).toBe(403);
    expect((await call('vic', 'POST', `/api/privacy/reidentify/${id}/decision`, { approve: true })).status).toBe(403);
    const ok = await call('bob', 'POST', `/api/privacy/reidentify/${id}/decision`, { approve: true });
    expect(ok.status).toBe(200);
    expect(ok.body['value']).toBeUndefined();
    const shown = await call('ann', 'GET', `/api/privacy/reidentify/${id}`);
    expect(shown.body['value']).toBe('kschmidt');
    const log = await call('ada', 'GET', '/api/privacy/reidentifications');
    expect(log.status).toBe(200);
    const items = log.body['items'] as { reason: string; decidedBy: string; requestedBy: string }[];
    expect(items[0]).toMatchObject({
      reason: 'lateral movement from this account',
      requestedBy: 'ann',
      decidedBy: 'bob',
    });
    expect((await call('ann', 'GET', '/api/privacy/reidentifications')).status).toBe(403);
    // The data protection officer (role dpo) reads the log and the reports, not the tenant's events.
    const dpoLog = await call('dora', 'GET', '/api/privacy/reidentifications');
    expect(dpoLog.status).toBe(200);
    expect((dpoLog.body['items'] as { id: string }[])[0]?.id).toBe(id);
    expect((await call('dora', 'GET', `/api/privacy/reidentify/${id}`)).body['value']).toBeUndefined();
    expect((await call('dora', 'GET', '/api/privacy/record')).status).toBe(200);
    expect((await call('dora', 'GET', '/api/events?q=kschmidt&limit=5')).status).toBe(403);
    expect((await call('dora', 'GET', '/api/alerts')).status).toBe(403);
    expect(
      (await call('dora', 'POST', '/api/privacy/reidentify', { pseudonym, caseId, reason: 'the DPO may not ask' }))
        .status,
    ).toBe(403);
    const audit = await call('ada', 'GET', '/api/audit?limit=50');
    expect(audit.text).toContain('privacy.reidentify');
  });

  it('hides a restricted subject until the restriction is lifted', async () => {
    const before = (await call('ada', 'GET', '/api/events?q=wgarcia&limit=100')).body['items'] as unknown[];
    expect(before.length).toBeGreaterThan(0);
    expect(
      (await call('ada', 'POST', '/api/privacy/restrictions', { subject: 'user:wgarcia', reason: 'Art. 18 request' }))
        .status,
    ).toBe(200);
    expect(
      (await call('ann', 'POST', '/api/privacy/restrictions', { subject: 'user:x1', reason: 'nope' })).status,
    ).toBe(403);
    expect((await call('ada', 'GET', '/api/events?q=wgarcia&limit=100')).body['items']).toEqual([]);
    expect((await call('ann', 'GET', '/api/alerts?q=wgarcia')).body['items']).toEqual([]);
    await call('ada', 'POST', '/api/privacy/restrictions/lift', { subject: 'user:wgarcia' });
    expect(((await call('ada', 'GET', '/api/events?q=wgarcia&limit=100')).body['items'] as unknown[]).length).toBe(
      before.length,
    );
  });
});
