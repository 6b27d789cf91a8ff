/**
 * The PostgreSQL event store on a real server: migrations, then the event store suite that the
 * SQLite store also passes (internal/event-store-suite.ts), in a database of its own. Skips, and
 * says so, only when PostgreSQL is unreachable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventStoreSuite, jsonHydrator } from '../internal/event-store-suite.js';
import { migratePg, openPgEventStore } from './index.js';
import { createScratchDb, type ScratchDb } from './scratch.js';

const db = await createScratchDb();
if ('unavailable' in db) console.warn(`postgres store tests skipped: ${db.unavailable}`);
const live = 'url' in db ? (db as ScratchDb) : undefined;

describe.skipIf(live === undefined)('PostgreSQL store', () => {
  const url = live?.url ?? '';
  beforeAll(async () => {
    const first = await migratePg(url);
    expect(first.applied).toEqual(['1-events']);
  });
  afterAll(async () => {
    await live?.drop();
  });

  it('migrates once, and again concurrently as a no-op', async () => {
    const again = await Promise.all([migratePg(url), migratePg(url)]);
    expect(again.map((r) => r.applied)).toEqual([[], []]);
  });

  it('refuses a store that was never migrated, naming the command', async () => {
    const empty = await createScratchDb();
    if (!('url' in empty)) throw new Error(empty.unavailable);
    try {
      await expect(openPgEventStore(empty.url)).rejects.toThrow(/db migrate/);
    } finally {
      await empty.drop();
    }
  });

  eventStoreSuite('PostgreSQL', () => openPgEventStore(url, { max: 2, hydrator: jsonHydrator }));
});
