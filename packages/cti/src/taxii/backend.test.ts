/**
 * The TAXII backend suite (internal/testing.ts) on SQLite: each test on a fresh database file
 * with two connections to it; the same suite runs on PostgreSQL in pg-backend.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@intersoc/storage';
import { taxiiBackendSuite } from '../internal/testing.js';
import { openSqliteTaxiiBackend } from './backend.js';

taxiiBackendSuite('SQLite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-taxii-'));
  const file = path.join(dir, 'taxii.db');
  const a = openDatabase(file);
  const backend = openSqliteTaxiiBackend(a);
  const b = openDatabase(file);
  const other = openSqliteTaxiiBackend(b);
  return {
    backend,
    other,
    async close() {
      a.close();
      b.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
