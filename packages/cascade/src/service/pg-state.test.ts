/**
 * The cascade state suite (internal/testing.ts) on a real PostgreSQL server: a scratch database
 * per test migrated by `migratePg`, two bridges (two connections, as two processes), each with
 * its `PgCascadeState` and `PgGraphStore`. Skips, and says so, only when PostgreSQL is unreachable.
 */
import { describe } from 'vitest';
import { createScratchDb, migratePg, openSyncPg } from '@intersoc/storage/postgres';
import { cascadeStateSuite } from '../internal/testing.js';
import { PgGraphStore } from '../store/pg-graphs.js';
import { PgCascadeState } from './pg-state.js';

const probe = await createScratchDb('intersoc_cascade_state');
if ('unavailable' in probe) console.warn(`postgres cascade state tests skipped: ${probe.unavailable}`);
else await probe.drop();

describe.skipIf(!('url' in probe))('PostgreSQL', () => {
  cascadeStateSuite('PostgreSQL', async () => {
    const db = await createScratchDb('intersoc_cascade_state');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const a = openSyncPg(db.url);
    const b = openSyncPg(db.url);
    return {
      state: new PgCascadeState(a),
      other: new PgCascadeState(b),
      graphs: new PgGraphStore(a),
      otherGraphs: new PgGraphStore(b),
      async close() {
        await a.close();
        await b.close();
        await db.drop();
      },
    };
  });
});
