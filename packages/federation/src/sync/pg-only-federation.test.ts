/**
 * A federation with no SQLite at all (the api role's): peers, journal, state, CTI store and TAXII
 * backend on one PostgreSQL bridge. A push from a SQLite node lands in it; a receipt that fails
 * half-way leaves nothing behind (the CTI object, its chain and the exchange roll back together,
 * in the bridge's transaction). Skips, and says so, only when PostgreSQL is unreachable.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError, systemContext } from '@intersoc/core';
import { openPgTaxiiBackend, PgCtiStore, TLP_V2_MARKINGS } from '@intersoc/cti';
import { createScratchDb, migratePg, openSyncPg, type ScratchDb, type SyncPg } from '@intersoc/storage/postgres';
import { FederationConfigSchema } from '../config/config.js';
import { cardOf } from '../identity/identity.js';
import { startTestNode, type TestNode } from '../internal/test-node.js';
import { testIndicator, testKeys } from '../internal/testing.js';
import type { ReportInput } from '../store/intel-state.js';
import { PgJournal } from '../store/pg-journal.js';
import { PgPeerStore } from '../store/pg-peers.js';
import { PgFederationState } from '../store/pg-state.js';
import { federationHttp } from '../transport/http-plugin.js';
import { TaxiiBridge } from '../transport/taxii-bridge.js';
import { Federation } from './federation.js';

const probe = await createScratchDb('intersoc_fed_pgonly');
if ('unavailable' in probe) console.warn(`postgres-only federation tests skipped: ${probe.unavailable}`);
else await probe.drop();

const ctx = systemContext('default');

/** Reports fail while `failReports` is set, after the CTI store and the chains were written. */
class FailingState extends PgFederationState {
  failReports = false;
  override recordReports(rows: readonly ReportInput[], time: number): void {
    if (this.failReports) throw new Error('injected failure after the object and its chain were written');
    super.recordReports(rows, time);
  }
}

describe.skipIf(!('url' in probe))('federation with every store on PostgreSQL', () => {
  let scratch: ScratchDb;
  let pg: SyncPg;
  let alpha: TestNode;
  let bravo: Federation;
  let state: FailingState;
  let app: FastifyInstance;

  beforeAll(async () => {
    const db = await createScratchDb('intersoc_fed_pgonly');
    if (!('url' in db)) throw new Error(db.unavailable);
    scratch = db;
    await migratePg(db.url);
    pg = openSyncPg(db.url);
    state = new FailingState(pg);
    const cti = new PgCtiStore(pg);
    const taxii = openPgTaxiiBackend(pg);
    bravo = new Federation({
      keys: testKeys('Bravo'),
      config: FederationConfigSchema.parse({ syncIntervalSeconds: 3600 }),
      pg,
      stores: { peers: new PgPeerStore(pg), journal: new PgJournal(pg), state },
      cti,
      taxii,
      lookupSeed: new Uint8Array(32).fill(5),
    });
    const fed = bravo;
    app = Fastify();
    await app.register(federationHttp, {
      backend: new TaxiiBridge({ base: taxii, cti, inbox: (peer, objects) => fed.receive(peer, objects, 'push') }),
      federation: fed,
      authenticate: async () => undefined,
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    alpha = await startTestNode('Alpha');
    alpha.fed.addPeer(ctx, cardOf(bravo.fx.keys.identity), { reliability: 'B', endpoint: url });
    bravo.addPeer(ctx, cardOf(alpha.fed.fx.keys.identity), { reliability: 'B' });
  }, 60_000);
  afterAll(async () => {
    await alpha?.close();
    await bravo?.stop();
    await app?.close();
    await pg?.close();
    await scratch?.drop();
  });

  it('refuses to start without SQLite unless the bridge and every store are given', () => {
    const make = (o: object) => () =>
      new Federation({
        keys: testKeys('Charlie'),
        config: FederationConfigSchema.parse({}),
        cti: new PgCtiStore(pg),
        taxii: openPgTaxiiBackend(pg),
        lookupSeed: new Uint8Array(32),
        ...o,
      });
    for (const o of [{}, { pg }, { pg, stores: { peers: new PgPeerStore(pg), journal: new PgJournal(pg) } }]) {
      try {
        make(o)();
        expect.fail('constructed');
      } catch (err) {
        expect(isAppError(err) && err.code).toBe('CONFIG');
      }
    }
  });

  it('receives a push into PostgreSQL only', async () => {
    const id = String(testIndicator(1)['id']);
    alpha.cti.put(ctx, [testIndicator(1, { object_marking_refs: [TLP_V2_MARKINGS.clear] })], { source: 'local' });
    alpha.fed.share(ctx, { ids: [id], distribution: 'all' });
    const [r] = await alpha.fed.syncAll();
    expect(r?.error).toBeUndefined();
    expect(new PgCtiStore(pg).get(ctx, id)).toHaveLength(1);
    expect(bravo.provenance(ctx, id)?.chain.map((h) => h.n)).toEqual([alpha.fed.me]);
    expect(pg.query<{ n: number }>('SELECT count(*)::int AS n FROM fed_reports')[0]?.n).toBe(1);
  });

  it('rolls a failed receipt back as a whole', async () => {
    const count = (sql: string): number => pg.query<{ n: number }>(sql)[0]?.n ?? -1;
    const exchanges = count('SELECT count(*)::int AS n FROM fed_exchanges');
    const id = String(testIndicator(2)['id']);
    alpha.cti.put(ctx, [testIndicator(2, { object_marking_refs: [TLP_V2_MARKINGS.clear] })], { source: 'local' });
    alpha.fed.share(ctx, { ids: [id], distribution: 'all' });
    state.failReports = true;
    try {
      const [r] = await alpha.fed.syncAll();
      expect(r?.error).toBeDefined();
    } finally {
      state.failReports = false;
    }
    expect(new PgCtiStore(pg).get(ctx, id)).toEqual([]);
    expect(pg.query('SELECT 1 FROM fed_chains WHERE id = $1', [id])).toEqual([]);
    expect(count('SELECT count(*)::int AS n FROM fed_exchanges')).toBe(exchanges);
    // The next round delivers it again, whole.
    const [again] = await alpha.fed.syncAll();
    expect(again?.error).toBeUndefined();
    expect(new PgCtiStore(pg).get(ctx, id)).toHaveLength(1);
    expect(pg.query('SELECT 1 FROM fed_chains WHERE id = $1', [id])).toHaveLength(1);
  });
});
