/**
 * The asset store suite (internal/testing.ts) on a real PostgreSQL server: a scratch database per
 * test migrated by `migratePg`, two bridges (two connections). Skips, and says so, only when
 * PostgreSQL is unreachable.
 */
import { describe } from 'vitest';
import { createScratchDb, migratePg, openSyncPg } from '@intersoc/storage/postgres';
import { assetStoreSuite } from './internal/testing.js';
import { PgAssetStore } from './pg-assets.js';

const probe = await createScratchDb('intersoc_assets');
if ('unavailable' in probe) console.warn(`postgres asset store tests skipped: ${probe.unavailable}`);
else await probe.drop();

describe.skipIf(!('url' in probe))('PostgreSQL', () => {
  assetStoreSuite('PostgreSQL', async (now, o) => {
    const db = await createScratchDb('intersoc_assets');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const a = openSyncPg(db.url);
    const b = openSyncPg(db.url);
    return {
      assets: new PgAssetStore(a, now, o),
      other: new PgAssetStore(b, now, o),
      async close() {
        await a.close();
        await b.close();
        await db.drop();
      },
    };
  });
});
