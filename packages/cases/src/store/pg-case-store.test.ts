/**
 * The case service suites on PostgreSQL: `case-service.test.ts`, `task-work.test.ts`, the NIS2
 * service and metrics tests, unchanged, with the incident and case stores of every `world()` on
 * one scratch database (migrated by `migratePg`, as `intersoc db migrate` does, and emptied
 * before each world). Skips, and says so, only when PostgreSQL is unreachable.
 */
import { afterAll, describe } from 'vitest';
import { PgIncidentStore } from '@intersoc/correlate';
import { createScratchDb, migratePg, openSyncPg } from '@intersoc/storage/postgres';
import { setWorldStores } from '../internal/fixtures.js';
import { PgCaseStore } from './pg-case-store.js';

const db = await createScratchDb('intersoc_cases');
if ('unavailable' in db) console.warn(`postgres case store tests skipped: ${db.unavailable}`);

const TABLES =
  'incidents, incident_alerts, incident_observables, incident_links, ' +
  'cases, case_parts, case_attachments, case_history, case_templates';

if ('url' in db) {
  await migratePg(db.url);
  const pg = openSyncPg(db.url);
  setWorldStores(() => {
    pg.run(`TRUNCATE ${TABLES}`);
    return { incidents: new PgIncidentStore(pg), cases: new PgCaseStore(pg) };
  });
  afterAll(async () => {
    await pg.close();
    await db.drop();
  });
  // The suites register their tests here, on the stores set above.
  await import('../cases/case-service.test.js');
  await import('../cases/task-work.test.js');
  await import('../nis2/service.test.js');
  await import('../metrics/metrics.test.js');
} else {
  describe.skip('case service on PostgreSQL', () => undefined);
}
