/**
 * The PostgreSQL event store on a real server: migrations, then the event store suite that the
 * SQLite store also passes (internal/testing.ts), in a database of its own. Skips, and
 * says so, only when PostgreSQL is unreachable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf, eventId, systemContext } from '@intersoc/core';
import { encodeBlock } from '../events/block.js';
import { eventStoreSuite, jsonHydrator } from '../internal/testing.js';
import { migratePg, openPgEventStore } from './index.js';
import { createScratchDb, type ScratchDb } from './scratch.js';

const T0 = Date.UTC(2024, 6, 1);
const SRC = { format: 'json', kind: 'file', name: 'r' } as const;

const db = await createScratchDb();
if ('unavailable' in db) console.warn(`postgres store tests skipped: ${db.unavailable}`);
const live = 'url' in db ? (db as ScratchDb) : undefined;

describe.skipIf(live === undefined)('PostgreSQL store', () => {
  const url = live?.url ?? '';
  beforeAll(async () => {
    const first = await migratePg(url);
    // Every step once, in order (later steps may follow).
    expect(first.applied.slice(0, 6)).toEqual([
      '1-events',
      '2-auth',
      '3-correlate',
      '4-incidents',
      '5-cases',
      '6-rules',
    ]);
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

  it('stores a batch once when two writers get it at the same time (a redelivery)', async () => {
    const events = Array.from({ length: 300 }, (_, i) => {
      const raw = JSON.stringify({ n: i, host: `h${i % 4}` });
      const time = T0 + i * 1000;
      return { id: eventId('race', `r:${i}`, raw), time, ingested: time, source: SRC, raw };
    });
    const batch = {
      blocks: [0, 100, 200].map((k) => encodeBlock('race', dayOf(T0), events.slice(k, k + 100))),
      alerts: [],
      deadLetters: [],
    };
    const [s1, s2] = await Promise.all([openPgEventStore(url, { max: 1 }), openPgEventStore(url, { max: 1 })]);
    try {
      const [r1, r2] = await Promise.all([s1.write(batch), s2.write(batch)]);
      expect(r1.events + r2.events).toBe(300);
      expect(r1.duplicates + r2.duplicates).toBe(300);
      expect(await s1.stats(systemContext('race'))).toMatchObject({ events: 300, blocks: 3 });
      const all = await s2.searchEvents(systemContext('race'), { q: '', limit: 1000 });
      expect(new Set(all.items.map((e) => e.id)).size).toBe(300);
    } finally {
      await Promise.all([s1.close(), s2.close()]);
    }
  });

  eventStoreSuite('PostgreSQL', () => openPgEventStore(url, { max: 2, hydrator: jsonHydrator }));
});
