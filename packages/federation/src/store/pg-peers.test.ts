/**
 * The peer registry suite (internal/testing.ts) on a real PostgreSQL server: a scratch database per
 * test migrated by `migratePg`, two bridges (two connections). Skips, and says so, only when
 * PostgreSQL is unreachable.
 */
import { describe } from 'vitest';
import { createScratchDb, migratePg, openSyncPg } from '@intersoc/storage/postgres';
import { peerRegistrySuite } from '../internal/testing.js';
import { PgPeerStore } from './pg-peers.js';

const probe = await createScratchDb('intersoc_fed_peers');
if ('unavailable' in probe) console.warn(`postgres peer registry tests skipped: ${probe.unavailable}`);
else await probe.drop();

describe.skipIf(!('url' in probe))('PostgreSQL', () => {
  peerRegistrySuite('PostgreSQL', async (now) => {
    const db = await createScratchDb('intersoc_fed_peers');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const a = openSyncPg(db.url);
    const b = openSyncPg(db.url);
    return {
      peers: new PgPeerStore(a, now),
      other: new PgPeerStore(b, now),
      async close() {
        await a.close();
        await b.close();
        await db.drop();
      },
    };
  });
});
