/**
 * The forecast store suite (internal/testing.ts) on a real PostgreSQL server: a scratch database
 * per test migrated by `migratePg`, two bridges (two connections, as two processes). Skips, and
 * says so, only when PostgreSQL is unreachable.
 */
import { describe } from 'vitest';
import { createScratchDb, migratePg, openSyncPg } from '@intersoc/storage/postgres';
import { forecastStoreSuite } from '../internal/testing.js';
import { PgForecastStore } from './pg-forecast.js';

const probe = await createScratchDb('intersoc_forecast');
if ('unavailable' in probe) console.warn(`postgres forecast store tests skipped: ${probe.unavailable}`);
else await probe.drop();

describe.skipIf(!('url' in probe))('PostgreSQL', () => {
  forecastStoreSuite('PostgreSQL', async () => {
    const db = await createScratchDb('intersoc_forecast');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const a = openSyncPg(db.url);
    const b = openSyncPg(db.url);
    return {
      store: new PgForecastStore(a),
      other: new PgForecastStore(b),
      async close() {
        await a.close();
        await b.close();
        await db.drop();
      },
    };
  });
});
