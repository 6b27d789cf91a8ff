/**
 * The alert triage suite (postgres/triage/internal/testing.ts) on SQLite: alerts written by the
 * event writer, two triage instances on two reader connections to the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jsonHydrator } from '../internal/testing.js';
import { alertTriageSuite } from '../postgres/triage/internal/testing.js';
import { SqliteAlertTriage } from './alert-triage.js';
import { openEventReader } from './reader.js';
import { openEventWriter } from './writer.js';

alertTriageSuite('SQLite', (now) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-triage-'));
  const file = path.join(dir, 'events.db');
  const w = openEventWriter(file, jsonHydrator);
  const r1 = openEventReader(file, jsonHydrator);
  const r2 = openEventReader(file, jsonHydrator);
  return Promise.resolve({
    triage: new SqliteAlertTriage(r1.db, now),
    other: new SqliteAlertTriage(r2.db, now),
    addAlerts(alerts) {
      w.write({ blocks: [], alerts: [...alerts], deadLetters: [] });
      return Promise.resolve();
    },
    close() {
      r1.close();
      r2.close();
      w.close();
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
});
