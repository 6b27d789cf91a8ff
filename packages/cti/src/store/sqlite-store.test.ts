/**
 * The CTI store suite (internal/testing.ts) on SQLite, each test on a fresh in-memory database;
 * the same suite runs on PostgreSQL in pg-store.test.ts.
 */
import { ctiStoreSuite } from '../internal/testing.js';
import { openSqliteCtiStore } from './sqlite-store.js';

ctiStoreSuite('SQLite', async (options) => {
  const store = openSqliteCtiStore(':memory:', options ?? {});
  return {
    store,
    async close() {
      store.close();
    },
  };
});
