/**
 * The event store suite (internal/testing.ts) on the embedded SQLite store: the same
 * tests the PostgreSQL store passes in postgres/event-store.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventStoreSuite, jsonHydrator } from '../internal/testing.js';
import { openEventReader } from './reader.js';
import { openEventWriter } from './writer.js';

eventStoreSuite('SQLite', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-suite-'));
  const file = path.join(dir, 'events.db');
  const w = openEventWriter(file, jsonHydrator);
  const r = openEventReader(file, jsonHydrator);
  // The SQLite store is synchronous; the suite speaks the async interface of the shared stores.
  return Promise.resolve({
    write: (batch) => Promise.resolve(w.write(batch)),
    stats: (ctx) => Promise.resolve(r.stats(ctx)),
    searchEvents: (ctx, req) => Promise.resolve().then(() => r.searchEvents(ctx, req)),
    getEvent: (ctx, id) => Promise.resolve(r.getEvent(ctx, id)),
    searchAlerts: (ctx, req) => Promise.resolve().then(() => r.searchAlerts(ctx, req)),
    getAlert: (ctx, id) => Promise.resolve(r.getAlert(ctx, id)),
    close: () => {
      r.close();
      w.close();
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
});
