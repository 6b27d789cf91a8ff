import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dayOf, eventId, flattenInto, systemContext, type Alert, type FlatFields } from '@intersoc/core';
import { encodeBlock, type BlockEvent } from './block.js';
import { openEventReader, type SqliteEventReader } from './reader.js';
import type { EventHydrator } from './types.js';
import { openEventWriter, type SqliteEventWriter } from './writer.js';

// A real hydrator for JSON records: what the ingest json plug-in does, minus ECS heuristics.
const hydrator: EventHydrator = {
  hydrate(e) {
    const fields: FlatFields = {};
    flattenInto(fields, JSON.parse(e.raw));
    return { fields, ecs: typeof fields['host'] === 'string' ? { 'host.name': fields['host'] } : {} };
  },
};

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 4, 1);
const A = systemContext('acme');
const B = systemContext('beta');

function ev(tenant: string, i: number, time: number, rec: Record<string, unknown>): BlockEvent {
  const raw = JSON.stringify(rec);
  return {
    id: eventId(tenant, `f:${i}`, raw),
    time,
    ingested: time,
    source: { format: 'json', kind: 'file', name: 'f' },
    raw,
  };
}

function blocksOf(tenant: string, events: BlockEvent[], size = 50) {
  const byDay = new Map<number, BlockEvent[]>();
  for (const e of events) byDay.set(dayOf(e.time), [...(byDay.get(dayOf(e.time)) ?? []), e]);
  const out = [];
  for (const [day, es] of byDay)
    for (let i = 0; i < es.length; i += size) out.push(encodeBlock(tenant, day, es.slice(i, i + size)));
  return out;
}

describe('SQLite event store', () => {
  let dir: string;
  let w: SqliteEventWriter;
  let r: SqliteEventReader;
  const acme = Array.from({ length: 500 }, (_, i) =>
    ev('acme', i, T0 + i * 600_000, {
      host: `wks-${i % 5}`,
      user: i % 50 === 0 ? 'admin' : `u${i % 7}`,
      port: i % 1000,
      msg: i === 123 ? 'Invoke-Mimikatz sekurlsa' : 'ok',
    }),
  );
  const beta = Array.from({ length: 100 }, (_, i) =>
    ev('beta', i, T0 + i * 60_000, { host: 'beta-host', user: 'admin', msg: 'Invoke-Mimikatz' }),
  );

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'intersoc-store-'));
    const file = path.join(dir, 'events.db');
    w = openEventWriter(file, hydrator);
    r = openEventReader(file, hydrator);
    const res = w.write({
      blocks: [...blocksOf('acme', acme), ...blocksOf('beta', beta)],
      alerts: [],
      deadLetters: [],
    });
    expect(res).toMatchObject({ events: 600, duplicates: 0 });
  });
  afterEach(() => {
    r.close();
    w.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds events by field, full text and time, within the tenant only', () => {
    expect(r.searchEvents(A, { q: 'mimikatz' }).items.map((e) => e.fields['msg'])).toEqual([
      'Invoke-Mimikatz sekurlsa',
    ]);
    expect(r.searchEvents(B, { q: 'mimikatz', limit: 1000 }).items).toHaveLength(100);
    expect(r.searchEvents(A, { q: 'user:admin', limit: 1000 }).items).toHaveLength(10);
    expect(r.searchEvents(A, { q: 'host.name:wks-1 AND port:[0 TO 99]', limit: 1000 }).items).toHaveLength(20);
    const day2 = r.searchEvents(A, { q: '', from: T0 + DAY, to: T0 + 2 * DAY - 1, limit: 1000 }).items;
    expect(day2).toHaveLength(144);
    expect(day2.every((e) => e.tenant === 'acme' && e.time >= T0 + DAY)).toBe(true);
  });

  it('pages with cursors without gaps or repeats, newest first', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = r.searchEvents(A, { q: 'NOT user:admin', limit: 37, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((e) => e.id));
      cursor = page.next;
    } while (cursor);
    expect(seen).toHaveLength(490);
    expect(new Set(seen).size).toBe(490);
    const first = r.searchEvents(A, { q: '', limit: 2 }).items;
    expect(first[0]!.time).toBeGreaterThan(first[1]!.time);
    expect(() => r.searchEvents(A, { q: '', cursor: 'garbage' })).toThrow(/cursor/);
  });

  it('never stores the same event twice and survives partial replays', () => {
    const again = w.write({ blocks: blocksOf('acme', acme), alerts: [], deadLetters: [] });
    expect(again).toMatchObject({ events: 0, duplicates: 500 });
    const extra = ev('acme', 9999, T0, { host: 'new', msg: 'late arrival' });
    const mixed = w.write({
      blocks: [encodeBlock('acme', dayOf(T0), [acme[0]!, extra, acme[1]!])],
      alerts: [],
      deadLetters: [],
    });
    expect(mixed).toMatchObject({ events: 1, duplicates: 2 });
    expect(r.getEvent(A, extra.id)?.fields['msg']).toBe('late arrival');
    expect(r.stats(A).events).toBe(501);
  });

  it('finds replayed and repeated events among ids inserted many at a time', () => {
    const day = dayOf(T0 + DAY * 30);
    const fresh = Array.from({ length: 200 }, (_, i) => ev('acme', 20_000 + i, T0 + DAY * 30 + i, { n: i }));
    // Four of them were stored before, anywhere in the 64-row groups and the tail.
    const before = [5, 70, 130, 199].map((i) => fresh[i]!);
    expect(w.write({ blocks: [encodeBlock('acme', day, before)], alerts: [], deadLetters: [] }).events).toBe(4);
    // ... and the block repeats one event within itself.
    const block = encodeBlock('acme', day, [...fresh, fresh[40]!]);
    expect(w.write({ blocks: [block], alerts: [], deadLetters: [] })).toMatchObject({ events: 196, duplicates: 5 });
    for (const e of fresh) expect(r.getEvent(A, e.id)?.raw).toBe(e.raw);
    expect(r.stats(A).events).toBe(700);
  });

  it('gets events by id only for their tenant', () => {
    const id = acme[123]!.id;
    expect(r.getEvent(A, id)?.raw).toBe(acme[123]!.raw);
    expect(r.getEvent(B, id)).toBeUndefined();
    expect(r.getEvent(A, 'not-an-id')).toBeUndefined();
  });

  it('indexes blocks written without terms when idle, and prunes with the index', () => {
    // Blocks that come without terms wait for the idle indexer; then none is pending.
    expect(r.stats(A).unindexedBlocks).toBeGreaterThan(0);
    expect(w.indexPending(1000)).toBeGreaterThan(0);
    expect(r.stats(A).unindexedBlocks).toBe(0);
    expect(w.indexPending(1000)).toBe(0);
    const page = r.searchEvents(A, { q: 'sekurlsa' });
    expect(page.items.map((e) => e.id)).toEqual([acme[123]!.id]);
    expect(page.prunedBlocks).toBeGreaterThan(0);
    expect(page.scannedBlocks).toBe(1);
    expect(r.searchEvents(A, { q: 'host.name:wks-3', limit: 1000 }).items).toHaveLength(100);
  });

  it('applies retention by age and by size per tenant', () => {
    const now = T0 + 5 * DAY;
    const res = w.applyRetention('acme', { maxAgeDays: 3, maxBytes: 0 }, now);
    expect(res.deletedEvents).toBeGreaterThan(0);
    expect(r.searchEvents(A, { q: '', to: T0 + 2 * DAY - 1, limit: 10_000 }).items).toHaveLength(0);
    expect(r.getEvent(A, acme[0]!.id)).toBeUndefined();
    expect(r.stats(B).events).toBe(100);
    w.applyRetention('acme', { maxAgeDays: 0, maxBytes: 1 }, now);
    expect(r.stats(A).events).toBe(0);
  });

  it('stores alerts and dead letters per tenant', () => {
    const alert: Alert = {
      id: 'a1',
      tenant: 'acme',
      created: T0,
      time: T0,
      severity: 'high',
      tactics: ['credential-access'],
      techniques: ['T1003.001'],
      detector: { kind: 'sigma', ruleId: 'r1', ruleTitle: 'LSASS access' },
      entities: [{ type: 'host', value: 'wks-1' }],
      eventIds: [acme[0]!.id],
      summary: 'x',
    };
    w.write({
      blocks: [],
      alerts: [alert, alert],
      deadLetters: [
        {
          tenant: 'acme',
          time: T0,
          source: { format: 'json', kind: 'udp', name: 'x' },
          reason: 'json: bad',
          raw: Buffer.from([0xff, 0x41]),
        },
      ],
    });
    expect(r.searchAlerts(A, { q: 'technique:T1003.001 host:wks-1' }).items).toHaveLength(1);
    expect(r.searchAlerts(B, { q: '' }).items).toHaveLength(0);
    expect(r.getAlert(B, 'a1')).toBeUndefined();
    const dl = r.listDeadLetters(A, {}).items;
    expect(dl).toHaveLength(1);
    expect(dl[0]).toMatchObject({ reason: 'json: bad', rawBase64: Buffer.from([0xff, 0x41]).toString('base64') });
    expect(r.listDeadLetters(B, {}).items).toHaveLength(0);
  });
});
