/** The forecast store suite (internal/testing.ts) on SQLite: a database file opened twice. */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@intersoc/storage';
import { forecastStoreSuite } from '../internal/testing.js';
import { SqliteForecastStore } from './sqlite-forecast.js';

let n = 0;
forecastStoreSuite('SQLite', async () => {
  const file = path.join(tmpdir(), `forecast-store-${process.pid}-${Date.now()}-${n++}.db`);
  const a = openDatabase(file);
  const store = new SqliteForecastStore(a);
  const b = openDatabase(file);
  return {
    store,
    other: new SqliteForecastStore(b),
    async close() {
      a.close();
      b.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
  };
});
