/**
 * The model registry suite (internal/testing.ts) on SQLite: a database file per test, opened
 * twice (two handles, as two processes would).
 */
import { openDatabase } from '@intersoc/storage';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelStoreSuite } from '../internal/testing.js';
import { SqliteModelStore } from './sqlite-models.js';

modelStoreSuite('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ml-store-'));
  const file = join(dir, 'intersoc.db');
  const a = openDatabase(file);
  const b = openDatabase(file);
  return {
    store: new SqliteModelStore(a),
    other: new SqliteModelStore(b),
    close() {
      a.close();
      b.close();
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
});
