/** The training store suite (internal/testing.ts) on SQLite: a database file opened twice. */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@intersoc/storage';
import { trainStoreSuite } from '../internal/testing.js';
import { SqliteTrainStore } from './sqlite-train.js';

let n = 0;
trainStoreSuite('SQLite', async () => {
  const file = path.join(tmpdir(), `train-store-${process.pid}-${Date.now()}-${n++}.db`);
  const a = openDatabase(file);
  const b = openDatabase(file);
  return {
    store: new SqliteTrainStore(a),
    other: new SqliteTrainStore(b),
    async close() {
      a.close();
      b.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
  };
});
