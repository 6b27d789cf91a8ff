/**
 * The alert triage suite (internal/testing.ts) on a real PostgreSQL server: a scratch database per
 * test migrated by `migratePg`, alerts stored by the event writer's `insertAlerts`, two triage
 * instances on two bridges (two connections). Skips, and says so, only when PostgreSQL is
 * unreachable.
 */
import { describe } from 'vitest';
import { openPg } from '../connect.js';
import { insertAlerts } from '../event-writer.js';
import { migratePg } from '../migrations.js';
import { createScratchDb } from '../scratch.js';
import { openSyncPg } from '../sync/bridge.js';
import { PgAlertTriage } from './alert-triage.js';
import { alertTriageSuite } from './internal/testing.js';

const probe = await createScratchDb('intersoc_triage');
if ('unavailable' in probe) console.warn(`postgres alert triage tests skipped: ${probe.unavailable}`);
else await probe.drop();

describe.skipIf(!('url' in probe))('PostgreSQL', () => {
  alertTriageSuite('PostgreSQL', async (now) => {
    const db = await createScratchDb('intersoc_triage');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const a = openSyncPg(db.url);
    const b = openSyncPg(db.url);
    const raw = openPg(db.url, { max: 1 });
    return {
      triage: new PgAlertTriage(a, now),
      other: new PgAlertTriage(b, now),
      async addAlerts(alerts) {
        await raw.begin((tx) => insertAlerts(tx, alerts));
      },
      async close() {
        await a.close();
        await b.close();
        await raw.end({ timeout: 5 });
        await db.drop();
      },
    };
  });
});
