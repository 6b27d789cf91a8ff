/**
 * The searcher with a real reader thread over a real event store: results cross the thread
 * unchanged, a budget too short for the store gives partial pages whose cursors add up to the
 * whole result, limits and syntax errors come back as their AppError codes, and a user's searches
 * beyond the limit are refused at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema, dayOf, eventId, systemContext, type AppError, type SocEvent } from '@intersoc/core';
import {
  encodeBlock,
  EVENTS_DB_FILE,
  openEventReader,
  openEventWriter,
  type BlockEvent,
  type SqliteEventReader,
} from '@intersoc/storage';
import { createHydrator } from '../../pipeline/hydrator.js';
import { startSearcher, type SearchSettings } from './searcher.js';

const T0 = Date.UTC(2024, 4, 1);
const ctx = systemContext('default');
const defaults = ConfigSchema.parse({}).search;

function ev(i: number): BlockEvent {
  const raw = JSON.stringify({ host: { name: `h${i % 4}` }, message: i % 5 === 0 ? `needle ${i}` : `hay ${i}` });
  const time = T0 + i * 1_000;
  return {
    id: eventId('default', `f:${i}`, raw),
    time,
    ingested: time,
    source: { format: 'json', kind: 'file', name: 'f' },
    raw,
  };
}

describe('searcher on reader threads', () => {
  let dir: string;
  let reader: SqliteEventReader;
  const window = { from: T0, to: T0 + 86_400_000 };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'intersoc-searcher-'));
    const file = path.join(dir, EVENTS_DB_FILE);
    const writer = openEventWriter(file, createHydrator());
    const events = Array.from({ length: 2_000 }, (_, i) => ev(i));
    const blocks = Array.from({ length: 40 }, (_, b) =>
      encodeBlock('default', dayOf(T0), events.slice(b * 50, b * 50 + 50)),
    );
    writer.write({ blocks, alerts: [], deadLetters: [] });
    writer.close();
    reader = openEventReader(file, createHydrator());
  });
  afterAll(() => {
    reader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (s: Partial<SearchSettings>) => startSearcher({ ...defaults, readers: 1, ...s }, dir, reader);

  it('returns what the store returns on the calling thread', async () => {
    const searcher = start({});
    try {
      const q = { q: 'needle AND host.name:h0', limit: 1_000, ...window };
      const there = await searcher.run(ctx, 'events', q);
      const here = reader.searchEvents(ctx, q);
      expect(there.items.map((e) => e.id)).toEqual(here.items.map((e) => e.id));
      expect(there.items.length).toBe(100);
      const h = await searcher.run(ctx, 'histogram', { ...window, buckets: 4, q: 'needle' });
      expect(h.total).toBe(400);
    } finally {
      await searcher.close();
    }
  });

  it('pages through a search whose budget is too short for the store', async () => {
    const searcher = start({ timeBudgetMs: 1 });
    try {
      const ids: string[] = [];
      let cursor: string | undefined;
      let calls = 0;
      do {
        const p = await searcher.run(ctx, 'events', {
          q: '*needle*',
          limit: 1_000,
          ...window,
          ...(cursor ? { cursor } : {}),
        });
        ids.push(...p.items.map((e: SocEvent) => e.id));
        cursor = p.next;
        calls++;
      } while (cursor !== undefined && calls < 100);
      expect(ids).toEqual(reader.searchEvents(ctx, { q: '*needle*', limit: 1_000 }).items.map((e) => e.id));
    } finally {
      await searcher.close();
    }
  });

  it('refuses expensive and malformed queries with their codes, and a third concurrent search', async () => {
    const searcher = start({ maxConcurrentPerUser: 2 });
    try {
      const code = (p: Promise<unknown>): Promise<string> =>
        p.then(
          () => 'ok',
          (e: AppError) => e.code,
        );
      expect(await code(searcher.run(ctx, 'events', { q: `${'*a'.repeat(40)}*b`, limit: 1, ...window }))).toBe(
        'EXPENSIVE_QUERY',
      );
      expect(await code(searcher.run(ctx, 'events', { q: 'host.name:(', limit: 1 }))).toBe('VALIDATION');
      const two = [1, 2].map(() => code(searcher.run(ctx, 'events', { q: 'needle', limit: 10, ...window })));
      const third = await code(searcher.run(ctx, 'alerts', { q: '', limit: 10 }));
      expect(third).toBe('RATE_LIMITED');
      expect(await Promise.all(two)).toEqual(['ok', 'ok']);
      expect(await code(searcher.run(ctx, 'alerts', { q: '', limit: 10 }))).toBe('ok');
    } finally {
      await searcher.close();
    }
  });
});
