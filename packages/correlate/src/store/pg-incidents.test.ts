/**
 * The incident store suite (internal/testing.ts) on a real PostgreSQL server, each test in a
 * scratch database of its own migrated by `migratePg`, as `intersoc db migrate` does. Skips, and
 * says so, only when PostgreSQL is unreachable.
 */
import { describe } from 'vitest';
import { createScratchDb, migratePg, openPg, openSyncPg } from '@intersoc/storage/postgres';
import { incidentStoreSuite } from '../internal/testing.js';
import { PgIncidentStore } from './pg-incidents.js';

const probe = await createScratchDb('intersoc_incidents');
if ('unavailable' in probe) console.warn(`postgres incident store tests skipped: ${probe.unavailable}`);
else await probe.drop();

describe.skipIf(!('url' in probe))('PostgreSQL', () => {
  incidentStoreSuite('PostgreSQL', async () => {
    const db = await createScratchDb('intersoc_incidents');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const pg = openSyncPg(db.url);
    // Raw access on a connection of its own, as another client of the database would have.
    const raw = openPg(db.url, { max: 1 });
    return {
      store: new PgIncidentStore(pg),
      async insertAlertRow(tenant, alertId, incident, time, doc) {
        await raw`INSERT INTO incident_alerts (tenant, alert_id, incident, time, doc)
                  VALUES (${tenant}, ${alertId}, ${incident}, ${time}, ${doc})`;
      },
      async close() {
        await pg.close();
        await raw.end({ timeout: 5 });
        await db.drop();
      },
    };
  });
});
