/**
 * TAXII 2.1 and the federation of the api role on a real PostgreSQL server (a scratch database
 * migrated by `migratePg`): two API instances over their own connections, as two processes behind
 * a load balancer, sharing one `--data` folder with a node identity. A TAXII client with a user's
 * API token posts a bundle through one and reads it back (objects, manifest, `added_after` paging)
 * through the other; another tenant's token sees neither the collection nor its objects; a peer
 * added through one instance's `/api/federation/peers` is listed by the other. Skips, and says so,
 * only when PostgreSQL is unreachable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema, DEFAULT_TENANT, systemContext, type Role } from '@intersoc/core';
import { registerFederationRoutes, type BuiltApi } from '@intersoc/api';
import {
  openSqliteCtiStore,
  openSqliteTaxiiBackend,
  PgCtiStore,
  TaxiiClient,
  TAXII_MEDIA_TYPE,
  TLP_V2_MARKINGS,
} from '@intersoc/cti';
import { cardOf, Federation, FederationConfigSchema, initIdentity, loadIdentity } from '@intersoc/federation';
import { openDatabase } from '@intersoc/storage';
import { migratePg, openPgAuthStores, type PgAuthStores } from '@intersoc/storage/postgres';
import { registerApiFederation, type ApiFederation } from './api-federation.js';
import { apiInstance, scratchPg, seedUsers } from './internal/testing.js';

const db = await scratchPg('intersoc_api_fed', 'api role federation tests');

const USERS: readonly [string, string, Role][] = [
  ['acme', 'annie', 'analyst'],
  ['globex', 'gina', 'admin'],
  [DEFAULT_TENANT, 'opal', 'admin'],
];

interface Instance {
  readonly api: BuiltApi;
  readonly stores: PgAuthStores;
  readonly fed: ApiFederation;
  readonly url: string;
}

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-api-fed-'));
const peerDir = mkdtempSync(path.join(tmpdir(), 'intersoc-api-fed-peer-'));
const tokens: Record<string, string> = {};
const instances: Instance[] = [];

async function instance(url: string): Promise<Instance> {
  const {
    api,
    stores,
    domain: fed,
  } = await apiInstance(url, {
    register: async (app, stores, api) => {
      const fed = await registerApiFederation(app, {
        pg: stores.pg,
        cti: new PgCtiStore(stores.pg),
        audit: stores.audit,
        config: ConfigSchema.parse({ data: dir }),
        tenants: async () => (await stores.tenants.list(systemContext(DEFAULT_TENANT))).map((t) => t.name),
        authenticate: (c) => api.authenticator.authenticate(c),
        log: () => undefined,
      });
      if (fed.service) registerFederationRoutes(app, { federation: fed.service });
      return fed;
    },
  });
  const at = await api.app.listen({ host: '127.0.0.1', port: 0 });
  const i = { api, stores, fed, url: at };
  instances.push(i);
  return i;
}

function indicator(n: number): Record<string, unknown> {
  const hex = n.toString(16).padStart(12, '0');
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--00000000-0000-4000-8000-${hex}`,
    created: '2024-01-01T00:00:00.000Z',
    modified: '2024-01-01T00:00:00.000Z',
    name: `test indicator ${n}`,
    pattern: `[ipv4-addr:value = '198.51.100.${n}']`,
    pattern_type: 'stix',
    valid_from: '2024-01-01T00:00:00Z',
  };
}

let a: Instance;
let b: Instance;

beforeAll(async () => {
  if (!db) return;
  await migratePg(db.url);
  initIdentity(dir, { name: 'Bravo SOC', sector: 'energy', country: 'FR' });
  const setup = openPgAuthStores(db.url);
  try {
    Object.assign(tokens, await seedUsers(setup, USERS));
  } finally {
    await setup.close();
  }
  a = await instance(db.url);
  b = await instance(db.url);
}, 60_000);

afterAll(async () => {
  for (const i of instances) {
    await i.fed.close();
    await i.api.app.close();
    await i.stores.close();
  }
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(peerDir, { recursive: true, force: true });
});

describe.skipIf(!db)('api role: TAXII and the federation on PostgreSQL', () => {
  it('posts a bundle through one instance and reads it back through the other', async () => {
    const annie = new TaxiiClient({ token: tokens['annie'] ?? '' });
    const status = await annie.push(`${a.url}/taxii2/default/`, 'intel-acme', [1, 2, 3].map(indicator));
    expect(status.success_count).toBe(3);
    expect(status.failure_count).toBe(0);
    // The objects landed in acme's CTI store, where the api role's other routes read them.
    expect(new PgCtiStore(b.stores.pg).get(systemContext('acme'), String(indicator(2)['id']))).toHaveLength(1);

    const root = `${b.url}/taxii2/default/`;
    const pulled = await annie.pull(root, 'intel-acme', { pageSize: 2 });
    expect(pulled.pages).toBe(2);
    expect(pulled.objects.map((o) => o['id']).sort()).toEqual([1, 2, 3].map((n) => indicator(n)['id']).sort());

    // A later post is all that a pull from the last date_added returns.
    await annie.push(`${a.url}/taxii2/default/`, 'intel-acme', [indicator(4)]);
    const since = await annie.pull(root, 'intel-acme', { filters: { added_after: pulled.addedAfter ?? '' } });
    expect(since.objects.map((o) => o['id'])).toEqual([indicator(4)['id']]);

    const manifest = await fetch(`${root}collections/intel-acme/manifest/`, {
      headers: { authorization: `Bearer ${tokens['annie'] ?? ''}`, accept: TAXII_MEDIA_TYPE },
    });
    expect(manifest.status).toBe(200);
    const m = (await manifest.json()) as { objects: { id: string; version: string }[] };
    expect(m.objects.map((o) => o.id).sort()).toEqual([1, 2, 3, 4].map((n) => indicator(n)['id']).sort());
    expect(m.objects.every((o) => o.version === '2024-01-01T00:00:00.000Z')).toBe(true);
  });

  it('keeps tenants apart', async () => {
    const gina = new TaxiiClient({ token: tokens['gina'] ?? '' });
    const listed = await gina.collections(`${b.url}/taxii2/default/`);
    expect(listed.map((c) => c.id)).toEqual(['intel-globex']);
    const r = await fetch(`${b.url}/taxii2/default/collections/intel-acme/objects/`, {
      headers: { authorization: `Bearer ${tokens['gina'] ?? ''}`, accept: TAXII_MEDIA_TYPE },
    });
    expect([403, 404]).toContain(r.status);
    expect((await gina.pull(`${a.url}/taxii2/default/`, 'intel-globex')).objects).toEqual([]);
    expect(new PgCtiStore(a.stores.pg).get(systemContext('globex'), String(indicator(1)['id']))).toEqual([]);
  });

  it('serves the federation from the store: a peer added through one instance is listed by the other', async () => {
    expect(a.fed.federation).toBeDefined();
    const peer = initIdentity(peerDir, { name: 'Alpha SOC', sector: 'energy', country: 'DE' });
    const add = await a.api.app.inject({
      method: 'POST',
      url: '/api/federation/peers',
      headers: { authorization: `Bearer ${tokens['opal'] ?? ''}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ card: cardOf(peer.identity), reliability: 'B' }),
    });
    expect(add.statusCode).toBeLessThan(300);
    const list = await b.api.app.inject({
      method: 'GET',
      url: '/api/federation/peers',
      headers: { authorization: `Bearer ${tokens['opal'] ?? ''}` },
    });
    expect(list.statusCode).toBe(200);
    const peers = JSON.parse(list.body) as { nodeId: string }[] | { items: { nodeId: string }[] };
    const ids = (Array.isArray(peers) ? peers : peers.items).map((p) => p.nodeId);
    expect(ids).toEqual([peer.identity.nodeId]);
    // Another tenant's admin is refused: the federation acts for the default tenant only.
    const other = await b.api.app.inject({
      method: 'GET',
      url: '/api/federation/peers',
      headers: { authorization: `Bearer ${tokens['gina'] ?? ''}` },
    });
    expect(other.statusCode).toBe(403);
  });

  it('receives a peer push in one instance; the other sees the object, its chain and the exchange', async () => {
    // Alpha: a node on SQLite in this process, with the peer identity added above.
    const adb = openDatabase(':memory:');
    const acti = openSqliteCtiStore(adb);
    const alpha = new Federation({
      keys: loadIdentity(peerDir),
      config: FederationConfigSchema.parse({ syncIntervalSeconds: 3600 }),
      db: adb,
      cti: acti,
      taxii: openSqliteTaxiiBackend(adb),
      lookupSeed: new Uint8Array(32).fill(7),
    });
    try {
      const operator = systemContext(DEFAULT_TENANT);
      alpha.addPeer(operator, cardOf(loadIdentity(dir).identity), { reliability: 'B', endpoint: a.url });
      const id = String(indicator(9)['id']);
      acti.put(operator, [{ ...indicator(9), object_marking_refs: [TLP_V2_MARKINGS.clear] }], { source: 'local' });
      expect(Object.values(alpha.share(operator, { ids: [id], distribution: 'all' }).queued)).toEqual([1]);
      const [round] = await alpha.syncAll();
      expect(round?.error).toBeUndefined();
      expect(round?.pushed).toBe(1);

      const bravo = b.fed.federation as Federation;
      expect(new PgCtiStore(b.stores.pg).get(operator, id)).toHaveLength(1);
      expect(bravo.provenance(operator, id)?.chain.map((h) => h.n)).toEqual([alpha.me]);
      const status = bravo.status(operator);
      expect(status.exchanges.some((e) => e.peer === alpha.me && e.direction === 'received' && e.objects === 1)).toBe(
        true,
      );
      // Only the default tenant (the federation's) received it.
      expect(new PgCtiStore(b.stores.pg).get(systemContext('acme'), id)).toEqual([]);
    } finally {
      await alpha.stop();
      adb.close();
    }
  });

  it('runs a sync round in one instance at a time', async () => {
    const lock = "hashtext('intersoc.federation'), hashtext('sync-round')";
    // The peer now has an endpoint where nobody answers: a round that runs reports it failed.
    const fed = a.fed.federation as Federation;
    const alpha = loadIdentity(peerDir).identity;
    fed.addPeer(systemContext(DEFAULT_TENANT), cardOf(alpha), { reliability: 'B', endpoint: 'http://127.0.0.1:9' });
    // Another instance holds the round: this one skips its own.
    b.stores.pg.query(`SELECT pg_advisory_lock(${lock})`);
    try {
      expect(await fed.syncAll()).toEqual([]);
    } finally {
      b.stores.pg.query(`SELECT pg_advisory_unlock(${lock})`);
    }
    const ran = await fed.syncAll();
    expect(ran.map((r) => [r.peer, r.error === undefined])).toEqual([[alpha.nodeId, false]]);
    const [row] = b.stores.pg.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${lock}) AS ok`);
    expect(row?.ok).toBe(true);
    b.stores.pg.query(`SELECT pg_advisory_unlock(${lock})`);
  });
});
