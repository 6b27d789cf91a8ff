/**
 * The time budget and the expensive-query limits of the read side, on a real SQLite store. A
 * deadline already in the past makes every call stop after its first block (or row), which is
 * what a slow query does when its budget runs out; paging on with the cursors must still give
 * exactly the results of one unbounded call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventId, flattenInto, systemContext, type Alert, type FlatFields, type SocEvent } from '@intersoc/core';
import type { QueryLimits } from '../query/cost.js';
import { eventHistogram } from './aggregate.js';
import { SqliteAlertTriage } from './alert-triage.js';
import { encodeBlock, type BlockEvent } from './block.js';
import { openEventReader, type SqliteEventReader } from './reader.js';
import type { EventHydrator, SearchPage } from './types.js';
import { openEventWriter, type SqliteEventWriter } from './writer.js';

const hydrator: EventHydrator = {
  hydrate(e) {
    const fields: FlatFields = {};
    flattenInto(fields, JSON.parse(e.raw));
    return { fields, ecs: {} };
  },
};
const A = systemContext('acme');
const T0 = Date.UTC(2024, 4, 1, 0, 0);
const PAST = 1; // a deadline long gone
const limits: QueryLimits = { maxWildcardSegments: 16, maxClauses: 512, maxDepth: 20, leadingWildcardMaxDays: 31 };

function ev(i: number): BlockEvent {
  const raw = JSON.stringify({ n: i, msg: i % 3 === 0 ? 'aaa-needle-bbb' : 'plain' });
  const time = T0 + i * 1_000;
  return {
    id: eventId('acme', `f:${i}`, raw),
    time,
    ingested: time,
    source: { format: 'json', kind: 'file', name: 'f' },
    raw,
  };
}

function alert(i: number): Alert {
  return {
    id: `alert-${String(i).padStart(3, '0')}`,
    tenant: 'acme',
    time: T0 + i * 1_000,
    created: T0 + i * 1_000,
    severity: i % 2 === 0 ? 'high' : 'low',
    tactics: [],
    techniques: [],
    detector: { kind: 'sigma', ruleId: `r${i % 4}`, ruleTitle: `rule ${i % 4}` },
    entities: [],
    eventIds: [],
    summary: `alert ${i}`,
  };
}

/** Pages through a search with its cursors; returns the ids and the number of calls. */
function all<T>(
  page: (cursor: string | undefined) => SearchPage<T>,
  id: (t: T) => string,
): { ids: string[]; calls: number } {
  const ids: string[] = [];
  let cursor: string | undefined;
  let calls = 0;
  do {
    const p = page(cursor);
    calls++;
    ids.push(...p.items.map(id));
    cursor = p.next;
  } while (cursor !== undefined && calls < 1_000);
  return { ids, calls };
}

describe('search time budget and limits', () => {
  let dir: string;
  let w: SqliteEventWriter;
  let r: SqliteEventReader;
  const events = Array.from({ length: 300 }, (_, i) => ev(i));

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'intersoc-budget-'));
    const file = path.join(dir, 'events.db');
    w = openEventWriter(file, hydrator);
    r = openEventReader(file, hydrator);
    const day = Math.floor(T0 / 86_400_000);
    const blocks = Array.from({ length: 10 }, (_, b) => encodeBlock('acme', day, events.slice(b * 30, b * 30 + 30)));
    w.write({ blocks, alerts: Array.from({ length: 40 }, (_, i) => alert(i)), deadLetters: [] });
  });
  afterAll(() => {
    r.close();
    w.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops an event search between blocks at its deadline and resumes from the cursor', () => {
    const q = '*needle*';
    const first = r.searchEvents(A, { q, limit: 1_000, deadline: PAST });
    expect(first).toMatchObject({ scannedBlocks: 1, timedOut: true });
    expect(first.next).toBeDefined();
    const whole = r.searchEvents(A, { q, limit: 1_000 });
    expect(whole.items).toHaveLength(100);
    const paged = all(
      (cursor) => r.searchEvents(A, { q, limit: 1_000, deadline: PAST, ...(cursor ? { cursor } : {}) }),
      (e: SocEvent) => e.id,
    );
    expect(paged.calls).toBe(10);
    expect(paged.ids).toEqual(whole.items.map((e) => e.id));
  });

  it('stops an alert search at its deadline and resumes from the cursor', () => {
    const whole = r.searchAlerts(A, { q: 'severity:high', limit: 1_000 });
    expect(whole.items).toHaveLength(20);
    const paged = all(
      (cursor) =>
        r.searchAlerts(A, { q: 'severity:high', limit: 1_000, deadline: PAST, ...(cursor ? { cursor } : {}) }),
      (a: Alert) => a.id,
    );
    expect(paged.calls).toBeGreaterThan(1);
    expect(paged.ids).toEqual(whole.items.map((a) => a.id));
  });

  it('answers a partial histogram at the deadline', () => {
    const window = { from: T0, to: T0 + 300_000, buckets: 10, q: 'needle' };
    expect(eventHistogram(r, A, window)).toMatchObject({ total: 100, partial: false });
    expect(eventHistogram(r, A, { ...window, deadline: PAST })).toMatchObject({ partial: true, scannedBlocks: 1 });
  });

  it('stops the alert queue at its deadline and resumes from the cursor', () => {
    const triage = new SqliteAlertTriage(r.db);
    const whole = triage.list(A, { q: 'severity:low' });
    const ids: string[] = [];
    let cursor: string | undefined;
    let calls = 0;
    do {
      const p = triage.list(A, { q: 'severity:low', deadline: PAST, ...(cursor ? { cursor } : {}) });
      ids.push(...p.items.map((t) => t.alert.id));
      cursor = p.next;
      calls++;
    } while (cursor !== undefined && calls < 1_000);
    expect(calls).toBeGreaterThan(1);
    expect(ids).toEqual(whole.items.map((t) => t.alert.id));
  });

  it('refuses expensive queries with EXPENSIVE_QUERY only when limits are given', () => {
    const worst = `${'*a'.repeat(200)}*b`;
    expect(() => r.searchEvents(A, { q: worst, limits })).toThrow(/wildcard segments/);
    expect(() => eventHistogram(r, A, { from: T0, to: T0 + 1, buckets: 1, q: worst, limits })).toThrow(
      /wildcard segments/,
    );
    expect(() => r.searchAlerts(A, { q: worst, limits })).toThrow(/wildcard segments/);
    expect(() => new SqliteAlertTriage(r.db).list(A, { q: worst, limits })).toThrow(/wildcard segments/);
    expect(() => r.searchEvents(A, { q: '*needle*', limits })).toThrow(/time range/);
    expect(
      r.searchEvents(A, { q: '*needle*', from: T0, to: T0 + 86_400_000, limits, limit: 1_000 }).items,
    ).toHaveLength(100);
    expect(r.searchEvents(A, { q: worst }).items).toHaveLength(0);
  });
});
