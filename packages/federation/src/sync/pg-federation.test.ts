/**
 * A federation whose peers, journal and state live in PostgreSQL (`PgPeerStore`, `PgJournal`,
 * `PgFederationState`), exchanging with a node on SQLite; and two processes of that node sharing
 * the store: a signed request one accepted, the other refuses as a replay. Skips, and says so,
 * only when PostgreSQL is unreachable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { TLP_V2_MARKINGS } from '@intersoc/cti';
import { createScratchDb, migratePg, openSyncPg, type ScratchDb, type SyncPg } from '@intersoc/storage/postgres';
import { link, startTestNode, type TestNode } from '../internal/test-node.js';
import { testIndicator } from '../internal/testing.js';
import { PgJournal } from '../store/pg-journal.js';
import { PgPeerStore } from '../store/pg-peers.js';
import { PgFederationState } from '../store/pg-state.js';
import { FEDERATION_ROOT } from '../transport/peer-client.js';
import { signRequest } from '../transport/request-auth.js';
import { inboxOf } from './share.js';

const probe = await createScratchDb('intersoc_fed_sync');
if ('unavailable' in probe) console.warn(`postgres federation tests skipped: ${probe.unavailable}`);
else await probe.drop();

const ctx = systemContext('default');
const pgStores = (pg: SyncPg) => ({
  peers: new PgPeerStore(pg),
  journal: new PgJournal(pg),
  state: new PgFederationState(pg),
});

describe.skipIf(!('url' in probe))('federation on PostgreSQL stores', () => {
  let scratch: ScratchDb;
  const bridges: SyncPg[] = [];
  let a: TestNode;
  let b: TestNode;
  let b2: TestNode;

  beforeAll(async () => {
    const db = await createScratchDb('intersoc_fed_sync');
    if (!('url' in db)) throw new Error(db.unavailable);
    scratch = db;
    await migratePg(db.url);
    bridges.push(openSyncPg(db.url), openSyncPg(db.url));
    a = await startTestNode('Alpha');
    b = await startTestNode('Bravo', { stores: pgStores(bridges[0] as SyncPg) });
    link(a, b);
    // A second process of Bravo: its own SQLite, the same keys and the same PostgreSQL store.
    b2 = await startTestNode('Bravo', { keys: b.fed.fx.keys, stores: pgStores(bridges[1] as SyncPg) });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a, b, b2].map((n) => n?.close()));
    for (const pg of bridges) await pg.close();
    await scratch?.drop();
  });

  it('receives, records provenance, reports and the exchange in PostgreSQL, visible to the other process', async () => {
    const id = String(testIndicator(1)['id']);
    a.cti.put(ctx, [testIndicator(1, { object_marking_refs: [TLP_V2_MARKINGS.clear] })], { source: 'local' });
    expect(a.fed.share(ctx, { ids: [id], distribution: 'all' }).queued[b.fed.me]).toBe(1);
    await a.fed.syncAll();
    expect(b.cti.get(ctx, id).length).toBe(1);
    // b2 stored nothing itself, but reads what b recorded: chain, reports, exchange, peer contact.
    const version = b.cti.get(ctx, id)[0]?.version ?? '';
    expect(b2.fed.fx.state.chainOf('default', id, version)?.map((h) => h.n)).toEqual([a.fed.me]);
    expect(b2.fed.fx.state.reportersOf('default', id)).toEqual([{ origin: a.fed.me, sender: a.fed.me }]);
    expect(b.fed.provenance(ctx, id)?.chain.map((h) => h.n)).toEqual([a.fed.me]);
    const status = b2.fed.status(ctx);
    expect(status.exchanges.some((e) => e.peer === a.fed.me && e.direction === 'received' && e.objects === 1)).toBe(
      true,
    );
    expect(status.peers.find((p) => p.nodeId === a.fed.me)?.lastContact).toBeDefined();
    const [row] = (bridges[0] as SyncPg).query<{ n: number }>('SELECT count(*)::int AS n FROM fed_reports');
    expect(row?.n).toBe(1);
  });

  it('refuses in one process a signed request the other accepted (replay protection across processes)', async () => {
    const body = JSON.stringify({ objects: [testIndicator(9)] });
    const path = `/taxii2/${FEDERATION_ROOT}/collections/${inboxOf(a.fed.me)}/objects/`;
    const { header } = signRequest(a.fed.fx.keys.privateKey, {
      id: a.fed.me,
      to: b.fed.me,
      method: 'POST',
      target: path,
      body,
    });
    const post = (node: TestNode) =>
      fetch(`${node.url}${path}`, {
        method: 'POST',
        headers: {
          authorization: header,
          'content-type': 'application/taxii+json;version=2.1',
          accept: 'application/taxii+json;version=2.1',
        },
        body,
      });
    expect((await post(b)).status).toBe(202);
    expect((await post(b2)).status).toBe(401);
    expect((await post(b)).status).toBe(401);
    expect(b.fed.fx.journal.rejections(10).filter((r) => /replayed request/.test(r.reason))).toHaveLength(2);
  });
});
