/**
 * The incident label suite (internal/testing.ts) on a real PostgreSQL server: a
 * scratch database per test migrated by `migratePg`, two bridges (two connections). Skips, and
 * says so, only when PostgreSQL is unreachable.
 */
import { describe } from 'vitest';
import { createScratchDb, migratePg, openSyncPg } from '@intersoc/storage/postgres';
import { incidentLabelsSuite } from '../internal/testing.js';
import { PgIncidentLabels } from './pg-labels.js';

const probe = await createScratchDb('intersoc_text_labels');
if ('unavailable' in probe) console.warn(`postgres incident label tests skipped: ${probe.unavailable}`);
else await probe.drop();

describe.skipIf(!('url' in probe))('PostgreSQL', () => {
  incidentLabelsSuite('PostgreSQL', async (now) => {
    const db = await createScratchDb('intersoc_text_labels');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const a = openSyncPg(db.url);
    const b = openSyncPg(db.url);
    return {
      labels: new PgIncidentLabels(a, now),
      other: new PgIncidentLabels(b, now),
      async close() {
        await a.close();
        await b.close();
        await db.drop();
      },
    };
  });
});
