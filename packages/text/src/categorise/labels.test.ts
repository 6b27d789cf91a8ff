/** The incident label suite (internal/testing.ts) on SQLite: a database file opened twice. */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@intersoc/storage';
import { incidentLabelsSuite } from '../internal/testing.js';
import { SqliteIncidentLabels } from './labels.js';

let n = 0;
incidentLabelsSuite('SQLite', async (now) => {
  const file = path.join(tmpdir(), `text-incident-labels-${process.pid}-${Date.now()}-${n++}.db`);
  const a = openDatabase(file);
  const b = openDatabase(file);
  const labels = new SqliteIncidentLabels(a, now);
  return {
    labels,
    other: new SqliteIncidentLabels(b, now),
    async close() {
      a.close();
      b.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
  };
});
