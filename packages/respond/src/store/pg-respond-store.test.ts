/**
 * The respond store suite (internal/store-suite.ts) on a real PostgreSQL server, each test in a
 * scratch database of its own migrated by `migratePg`, as `intersoc db migrate` does; the "another
 * process" handle is a second bridge (its own connection). Skips, and says so, only when
 * PostgreSQL is unreachable.
 */
import { describe } from 'vitest';
import { createScratchDb, migratePg, openSyncPg, PgAuditStore, type SyncPg } from '@intersoc/storage/postgres';
import { respondStoreSuite, type StoreHandle } from '../internal/testing.js';
import { PgRespondStore } from './pg-respond-store.js';

const probe = await createScratchDb('intersoc_respond');
if ('unavailable' in probe) console.warn(`postgres respond store tests skipped: ${probe.unavailable}`);
else await probe.drop();

describe.skipIf(!('url' in probe))('PostgreSQL', () => {
  respondStoreSuite('PostgreSQL', async () => {
    const db = await createScratchDb('intersoc_respond');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const bridges: SyncPg[] = [];
    const handle = (): StoreHandle => {
      const pg = openSyncPg(db.url);
      bridges.push(pg);
      const audit = new PgAuditStore(pg);
      return { store: new PgRespondStore(pg, audit), audit };
    };
    return {
      ...handle(),
      another: handle,
      async close() {
        for (const pg of bridges) await pg.close();
        await db.drop();
      },
    };
  });
});
