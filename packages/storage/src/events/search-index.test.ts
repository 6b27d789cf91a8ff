import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dayOf, eventId, flattenInto, systemContext, type FlatFields } from '@intersoc/core';
import { eventHistogram } from './aggregate.js';
import { BlockPacker } from './block-packer.js';
import { encodeBlock, type BlockEvent, type EncodedBlock } from './block.js';
import { openEventReader, type SqliteEventReader } from './reader.js';
import { rewriteEventDb } from './rewrite.js';
import type { EventHydrator } from './types.js';
import { openEventWriter, type SqliteEventWriter } from './writer.js';

// A real hydrator for JSON records, with one derived ECS value that is not in the raw record
// (`event.kind`), as format plug-ins derive categories: the term index must cover it too.
let hydrated = 0;
const hydrator: EventHydrator = {
  hydrate(e) {
    hydrated++;
    const fields: FlatFields = {};
    flattenInto(fields, JSON.parse(e.raw));
    const ecs: Record<string, string> = { 'event.kind': fields['alert'] === true ? 'alert' : 'event' };
    if (typeof fields['host'] === 'string') ecs['host.name'] = fields['host'].toLowerCase();
    return { fields, ecs };
  },
};

const T0 = Date.UTC(2024, 4, 1);
const A = systemContext('acme');
const tools = ['mimikatz', 'psexec', 'rundll32', 'powershell', 'whoami'];

function ev(i: number): BlockEvent {
  const raw = JSON.stringify({
    host: `WKS-${i % 7}`,
    user: i % 11 === 0 ? 'CORP\\admin' : `u${i % 13}`,
    port: (i * 37) % 2000,
    cmd: `${tools[i % 97 === 0 ? 0 : 1 + (i % 4)]}.exe /q ${i}`,
    ...(i % 251 === 0 ? { alert: true } : {}),
  });
  return {
    id: eventId('acme', `f:${i}`, raw),
    time: T0 + i * 60_000,
    ingested: T0,
    source: { format: 'json', kind: 'file', name: 'f' },
    raw,
  };
}

const events = Array.from({ length: 3000 }, (_, i) => ev(i));

/** Blocks of 100 events; `packed` encodes through the pipeline's packer with the parsed values. */
function blocks(packed: boolean): EncodedBlock[] {
  const out: EncodedBlock[] = [];
  const byDay = new Map<number, BlockEvent[]>();
  for (const e of events) byDay.set(dayOf(e.time), [...(byDay.get(dayOf(e.time)) ?? []), e]);
  for (const [day, es] of byDay)
    for (let i = 0; i < es.length; i += 100) {
      const part = es.slice(i, i + 100);
      if (!packed) {
        out.push(encodeBlock('acme', day, part));
        continue;
      }
      const p = new BlockPacker('acme', day, part.length);
      for (const e of part) p.add(e, hydrator.hydrate(e));
      out.push(p.finish());
    }
  return out;
}

const QUERIES = [
  'mimikatz',
  'alert',
  'event.kind:alert',
  'host.name:wks-3',
  'host:WKS-3',
  'user:"CORP\\\\admin"',
  'cmd:psexec*',
  'port:[100 TO 200]',
  'mimikatz AND host.name:wks-2',
  'whoami OR mimikatz',
  'powershell AND NOT host.name:wks-1',
  'rundll*',
  'nothing-like-this',
  'port:5',
];

describe('search with the block term index', () => {
  let dir: string;
  let w: SqliteEventWriter;
  let r: SqliteEventReader;

  function open(packed: boolean): void {
    dir = mkdtempSync(path.join(tmpdir(), 'intersoc-search-index-'));
    const file = path.join(dir, 'events.db');
    w = openEventWriter(file, hydrator);
    r = openEventReader(file, hydrator);
    expect(w.write({ blocks: blocks(packed), alerts: [], deadLetters: [] }).events).toBe(events.length);
  }

  /** Every page of a search, as ids. */
  function all(q: string, limit = 37): string[] {
    const out: string[] = [];
    let cursor: string | undefined;
    do {
      const page = r.searchEvents(A, { q, limit, ...(cursor === undefined ? {} : { cursor }) });
      out.push(...page.items.map((e) => e.id));
      cursor = page.next;
    } while (cursor !== undefined);
    return out;
  }

  function histogram(q: string): readonly number[] {
    return eventHistogram(r, A, { q, from: T0, to: T0 + 3000 * 60_000, buckets: 24 }).counts;
  }

  beforeEach(() => open(true));
  afterEach(() => {
    r.close();
    w.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same results and histograms with and without the index, whichever encoder made the terms', () => {
    const nb = blocks(false).length;
    expect(w.indexStatus()).toEqual({
      indexedBlocks: nb,
      pendingBlocks: 0,
      indexedEvents: 3000,
      pendingEvents: 0,
      // Written with their terms and columns (the packer's, from the same parsed values).
      columnPendingBlocks: 0,
    });
    const columnRows = (): unknown[] =>
      w.db
        .prepare('SELECT block, field, ver, lo, hi, long, data, longs FROM block_columns ORDER BY block, field')
        .all();
    const packedColumns = columnRows();
    expect(packedColumns.length).toBe(nb * 20);
    const indexed = QUERIES.map((q) => ({ q, ids: all(q), hist: histogram(q) }));
    expect(indexed.find((x) => x.q === 'mimikatz')?.ids.length).toBe(31);
    expect(indexed.find((x) => x.q === 'event.kind:alert')?.ids.length).toBe(12);
    expect(r.searchEvents(A, { q: 'mimikatz', limit: 1000 }).prunedBlocks).toBeGreaterThan(0);
    // Within the blocks it scans, only groups of 64 events that hold the term are re-parsed.
    hydrated = 0;
    const page = r.searchEvents(A, { q: 'mimikatz', limit: 1000 });
    expect(hydrated).toBeLessThanOrEqual(31 * 64);
    expect(hydrated).toBeLessThan(page.scannedEvents);
    // Field terms narrow by field-qualified tokens: "5" is in a host name of every seventh event,
    // but in `port` of a few only.
    hydrated = 0;
    const port = r.searchEvents(A, { q: 'port:5', limit: 1000 });
    expect(port.items.length).toBeGreaterThan(0);
    expect(hydrated).toBeLessThan(port.scannedEvents / 4);
    // The same store without its index: every block is scanned.
    w.db.exec('UPDATE blocks SET indexed = 0; DELETE FROM block_terms; DELETE FROM group_terms');
    r.cache.clear();
    expect(r.searchEvents(A, { q: 'mimikatz', limit: 1000 }).prunedBlocks).toBe(0);
    for (const x of indexed) {
      expect(all(x.q), x.q).toEqual(x.ids);
      expect(histogram(x.q), x.q).toEqual(x.hist);
    }
    // Indexed again from the records by the background step (the hydrator's terms).
    expect(w.indexPending(1000)).toBe(nb);
    for (const x of indexed) expect(all(x.q), x.q).toEqual(x.ids);
    r.close();
    w.close();
    rmSync(dir, { recursive: true, force: true });
    // Blocks from encodeBlock carry no terms: searches scan them until the idle indexer derives
    // the terms from the stored records, with the same results before and after.
    open(false);
    expect(w.indexStatus().pendingBlocks).toBe(nb);
    for (const x of indexed) expect(all(x.q), x.q).toEqual(x.ids);
    expect(w.indexPending(1000)).toBe(nb);
    expect(w.indexStatus().pendingBlocks).toBe(0);
    for (const x of indexed) expect(all(x.q), x.q).toEqual(x.ids);
    // The indexer's columns, from re-parsed records, are byte for byte the packer's.
    expect(columnRows()).toEqual(packedColumns);
  });

  it('opens events by id through the id tables without scanning other blocks', () => {
    const one = events[1234]!;
    const page = r.searchEvents(A, { q: `_id:${one.id}` });
    expect(page.items.map((e) => e.id)).toEqual([one.id]);
    expect(page.scannedBlocks).toBe(1);
    const two = r.searchEvents(A, { q: `_id:${events[5]!.id} OR _id:${events[2999]!.id}` });
    expect(two.items.map((e) => e.id).sort()).toEqual([events[5]!.id, events[2999]!.id].sort());
    expect(two.scannedBlocks).toBe(2);
    expect(r.searchEvents(A, { q: `_id:${one.id} AND host.name:wks-0` }).items).toHaveLength(0);
    expect(r.searchEvents(A, { q: `_id:${one.id} AND host.name:${'wks-' + (1234 % 7)}` }).items).toHaveLength(1);
    expect(r.searchEvents(A, { q: '_id:nothex' })).toMatchObject({ items: [], scannedBlocks: 0 });
    expect(r.searchEvents(systemContext('beta'), { q: `_id:${one.id}` }).items).toHaveLength(0);
    expect(r.getEvent(A, one.id)?.raw).toBe(one.raw);
  });

  it('never serves a cached block after a rewrite changed it', () => {
    const target = events[97]!;
    expect(r.getEvent(A, target.id)?.raw).toContain('mimikatz');
    expect(r.cache.misses).toBeGreaterThan(0);
    const hits = r.cache.hits;
    expect(r.getEvent(A, target.id)?.raw).toContain('mimikatz');
    expect(r.cache.hits).toBe(hits + 1);
    rewriteEventDb(w.db, hydrator, {
      tenant: 'acme',
      values: ['mimikatz'],
      touches: (s) => s.includes('mimikatz'),
      event: (e) => ({ ...e, raw: e.raw.replaceAll('mimikatz', 'REDACTED') }),
      text: (s) => s.replaceAll('mimikatz', 'REDACTED'),
    });
    expect(r.getEvent(A, target.id)?.raw).not.toContain('mimikatz');
    expect(all('mimikatz')).toEqual([]);
  });
});
