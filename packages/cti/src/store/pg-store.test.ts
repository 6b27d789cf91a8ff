/**
 * The CTI store suite (internal/testing.ts) on a real PostgreSQL server, each test in a scratch
 * database of its own migrated by `migratePg`, as `intersoc db migrate` does. Skips, and says
 * so, only when PostgreSQL is unreachable.
 */
import { describe } from 'vitest';
import { createScratchDb, migratePg, openSyncPg } from '@intersoc/storage/postgres';
import { ctiStoreSuite } from '../internal/testing.js';
import { PgCtiStore } from './pg-store.js';

const probe = await createScratchDb('intersoc_cti');
if ('unavailable' in probe) console.warn(`postgres CTI store tests skipped: ${probe.unavailable}`);
else await probe.drop();

describe.skipIf(!('url' in probe))('PostgreSQL', () => {
  ctiStoreSuite('PostgreSQL', async (options) => {
    const db = await createScratchDb('intersoc_cti');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const pg = openSyncPg(db.url);
    return {
      store: new PgCtiStore(pg, options ?? {}),
      async close() {
        await pg.close();
        await db.drop();
      },
    };
  });
});
