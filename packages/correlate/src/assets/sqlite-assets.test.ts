/** The asset store suite (internal/testing.ts) on SQLite: one database file opened twice. */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@intersoc/storage';
import { assetStoreSuite } from './internal/testing.js';
import { SqliteAssetStore } from './sqlite-assets.js';

let n = 0;
assetStoreSuite('SQLite', async (now, o) => {
  const file = path.join(tmpdir(), `assets-${process.pid}-${Date.now()}-${n++}.db`);
  const a = openDatabase(file);
  const b = openDatabase(file);
  const assets = new SqliteAssetStore(a, now, o);
  const other = new SqliteAssetStore(b, now, o);
  return Promise.resolve({
    assets,
    other,
    close() {
      a.close();
      b.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      return Promise.resolve();
    },
  });
});
