/**
 * The federation state suite (`stateSuite`, store/internal/testing.ts) on a real PostgreSQL
 * server: a scratch database per test migrated by `migratePg`, two bridges (two connections, as
 * two processes). Skips, and says so, only when PostgreSQL is unreachable.
 */
import { describe } from 'vitest';
import { createScratchDb, migratePg, openSyncPg } from '@intersoc/storage/postgres';
import { stateSuite } from './internal/testing.js';
import { PgFederationState } from './pg-state.js';
import { PgPeerStore } from './pg-peers.js';

const probe = await createScratchDb('intersoc_fed_state');
if ('unavailable' in probe) console.warn(`postgres federation state tests skipped: ${probe.unavailable}`);
else await probe.drop();

describe.skipIf(!('url' in probe))('PostgreSQL', () => {
  stateSuite('PostgreSQL', async () => {
    const db = await createScratchDb('intersoc_fed_state');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const a = openSyncPg(db.url);
    const b = openSyncPg(db.url);
    return {
      state: new PgFederationState(a),
      other: new PgFederationState(b),
      peers: new PgPeerStore(a),
      async close() {
        await a.close();
        await b.close();
        await db.drop();
      },
    };
  });
});
