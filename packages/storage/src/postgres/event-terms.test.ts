/**
 * The term index of the PostgreSQL event store (`event-terms.ts`): for a set of query shapes
 * (bare and field-qualified terms, phrases, wildcards, negations, OR, ranges) every page of a
 * search equals a full scan of the same store and the SQLite store's answer, while the counters
 * show blocks pruned and groups not re-parsed. Blocks without terms, rewritten blocks and days
 * from before the index are scanned until `indexPending` derives their rows. Skips, and says so,
 * only when PostgreSQL is unreachable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf, eventId, flattenInto, systemContext, type FlatFields } from '@intersoc/core';
import { BlockPacker } from '../events/block-packer.js';
import { decodeBlock, encodeBlock, type BlockEvent, type EncodedBlock } from '../events/block.js';
import { openEventReader, type SqliteEventReader } from '../events/reader.js';
import type { EventHydrator } from '../events/types.js';
import { openEventWriter } from '../events/writer.js';
import { openPg, type PgSql } from './connect.js';
import { EVENT_TERMS_STEP } from './domains/event-terms-schema.js';
import { migratePg, openPgEventStore, type PgEventStore } from './index.js';
import { createScratchDb, type ScratchDb } from './scratch.js';

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
const tools = ['mimikatz', 'psexec', 'rundll32', 'powershell', 'whoami'];

function ev(tenant: string, i: number): BlockEvent {
  const raw = JSON.stringify({
    host: `WKS-${i % 7}`,
    user: i % 11 === 0 ? 'CORP\\admin' : `u${i % 13}`,
    port: (i * 37) % 2000,
    cmd: `${tools[i % 97 === 0 ? 0 : 1 + (i % 4)]}.exe /q ${i}`,
    ...(i % 251 === 0 ? { alert: true } : {}),
  });
  return { id: eventId(tenant, `f:${i}`, raw), time: T0 + i * 60_000, ingested: T0, source: SRC, raw };
}
const SRC = { format: 'json', kind: 'file', name: 'f' } as const;
const N = 3000;

/** Blocks of 100 events; `packed` encodes through the pipeline's packer, with term documents. */
function blocks(tenant: string, packed: boolean): EncodedBlock[] {
  const out: EncodedBlock[] = [];
  const byDay = new Map<number, BlockEvent[]>();
  for (let i = 0; i < N; i++) {
    const e = ev(tenant, i);
    byDay.set(dayOf(e.time), [...(byDay.get(dayOf(e.time)) ?? []), e]);
  }
  for (const [day, es] of byDay)
    for (let i = 0; i < es.length; i += 100) {
      const part = es.slice(i, i + 100);
      if (!packed) {
        out.push(encodeBlock(tenant, day, part));
        continue;
      }
      const p = new BlockPacker(tenant, day, part.length);
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
  'cmd:*whoami*',
  'cmd:"whoami.exe /q 9"',
  '"psexec.exe /q"',
  'host.name:wks-?',
  'port:[100 TO 200]',
  'mimikatz AND host.name:wks-2',
  'whoami OR mimikatz',
  'cmd:mimikatz* OR user:u3',
  'powershell AND NOT host.name:wks-1',
  'NOT psexec',
  'rundll*',
  'nothing-like-this',
  'port:5',
  '',
];

const db = await createScratchDb();
if ('unavailable' in db) console.warn(`postgres term index tests skipped: ${db.unavailable}`);
const live = 'url' in db ? (db as ScratchDb) : undefined;

/** Every page of a search, as ids. */
async function all(s: PgEventStore, tenant: string, q: string, limit = 37): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await s.searchEvents(systemContext(tenant), { q, limit, ...(cursor === undefined ? {} : { cursor }) });
    out.push(...page.items.map((e) => e.id));
    cursor = page.next;
  } while (cursor !== undefined);
  return out;
}

describe.skipIf(live === undefined)('PostgreSQL term index', () => {
  const url = live?.url ?? '';
  let w: PgEventStore;
  let r: PgEventStore;
  let scan: PgEventStore;
  let sql: PgSql;
  let dir: string;
  let lite: SqliteEventReader;
  /** The SQLite store's answer to each query (tenant acme). */
  const expected = new Map<string, string[]>();

  function liteAll(tenant: string, q: string, limit = 37): string[] {
    const out: string[] = [];
    let cursor: string | undefined;
    do {
      const page = lite.searchEvents(systemContext(tenant), { q, limit, ...(cursor === undefined ? {} : { cursor }) });
      out.push(...page.items.map((e) => e.id));
      cursor = page.next;
    } while (cursor !== undefined);
    return out;
  }

  beforeAll(async () => {
    await migratePg(url);
    // Writer and reader on their own pools, as a detect worker and the api role.
    w = await openPgEventStore(url, { max: 1, hydrator });
    r = await openPgEventStore(url, { max: 2, hydrator });
    scan = await openPgEventStore(url, { max: 1, hydrator, termIndex: false });
    sql = openPg(url, { max: 1 });
    dir = mkdtempSync(path.join(tmpdir(), 'intersoc-pg-terms-'));
    const file = path.join(dir, 'events.db');
    const lw = openEventWriter(file, hydrator);
    lw.write({ blocks: blocks('acme', true), alerts: [], deadLetters: [] });
    lw.close();
    lite = openEventReader(file, hydrator);
    for (const q of QUERIES) expected.set(q, liteAll('acme', q));
  });
  afterAll(async () => {
    lite?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await Promise.all([w?.close(), r?.close(), scan?.close(), sql?.end({ timeout: 1 })]);
    await live?.drop();
  });

  it('answers every query shape as SQLite and as a full scan, reading fewer blocks and groups', async () => {
    const nb = blocks('acme', true).length;
    expect((await w.write({ blocks: blocks('acme', true), alerts: [], deadLetters: [] })).events).toBe(N);
    expect((await r.stats(systemContext('acme'))).unindexedBlocks).toBe(0);
    expect(expected.get('mimikatz')).toHaveLength(31);
    expect(expected.get('event.kind:alert')).toHaveLength(12);
    for (const q of QUERIES) {
      expect(await all(r, 'acme', q), q).toEqual(expected.get(q));
      expect(await all(scan, 'acme', q), q).toEqual(expected.get(q));
    }
    // Blocks pruned, counted (not timed): "mimikatz" is in 31 events, in at most 31 blocks.
    const sel = await r.searchEvents(systemContext('acme'), { q: 'mimikatz', limit: 1000 });
    const full = await scan.searchEvents(systemContext('acme'), { q: 'mimikatz', limit: 1000 });
    expect(full).toMatchObject({ scannedBlocks: nb, prunedBlocks: 0 });
    expect(sel.scannedBlocks).toBeLessThanOrEqual(31);
    expect(sel.prunedBlocks).toBe(nb - sel.scannedBlocks);
    // In the blocks read, only groups of 64 events holding the term are re-parsed.
    hydrated = 0;
    await r.searchEvents(systemContext('acme'), { q: 'mimikatz', limit: 1000 });
    expect(hydrated).toBeLessThanOrEqual(31 * 64 + 31);
    // Field-qualified tokens: "5" is in a host name of every seventh event but rarely in `port`.
    hydrated = 0;
    const port = await r.searchEvents(systemContext('acme'), { q: 'port:5', limit: 1000 });
    expect(port.items.length).toBeGreaterThan(0);
    // (a full scan re-parses all N): whole blocks are pruned by the qualified group terms.
    expect(hydrated).toBeLessThan(N / 20);
    expect(port.prunedBlocks).toBeGreaterThan(nb / 2);
    // A negation or a range cannot prune; an OR prunes by the union of its sides.
    expect((await r.searchEvents(systemContext('acme'), { q: 'NOT psexec', limit: 10 })).prunedBlocks).toBe(0);
    const either = await r.searchEvents(systemContext('acme'), { q: 'mimikatz OR nothing-like-this', limit: 1000 });
    expect(either).toMatchObject({ scannedBlocks: sel.scannedBlocks, prunedBlocks: sel.prunedBlocks });
    const none = await r.searchEvents(systemContext('acme'), { q: 'nothing-like-this', limit: 10 });
    expect(none).toMatchObject({ items: [], scannedBlocks: 0, prunedBlocks: nb });
    // Another tenant's index never lets its blocks into this tenant's results.
    expect(await all(r, 'other', 'mimikatz')).toEqual([]);
  });

  it('scans blocks without terms until indexPending derives them, then prunes with the same results', async () => {
    const nb = blocks('bare', false).length;
    const want = new Map(QUERIES.map((q) => [q, liteAll('acme', q).length]));
    await w.write({ blocks: blocks('bare', false), alerts: [], deadLetters: [] });
    expect((await r.stats(systemContext('bare'))).unindexedBlocks).toBe(nb);
    const before = new Map<string, string[]>();
    for (const q of QUERIES) {
      before.set(q, await all(r, 'bare', q));
      expect(before.get(q), q).toHaveLength(want.get(q) ?? -1);
      expect(await all(scan, 'bare', q), q).toEqual(before.get(q));
    }
    expect((await r.searchEvents(systemContext('bare'), { q: 'mimikatz', limit: 1000 })).prunedBlocks).toBe(0);
    // Without a hydrator the store derives nothing: empty terms would hide matching blocks.
    const blind = await openPgEventStore(url, { max: 1 });
    try {
      expect(await blind.indexPending(1000)).toBe(0);
    } finally {
      await blind.close();
    }
    let done = 0;
    for (let n = await w.indexPending(7); n > 0; n = await w.indexPending(7)) done += n;
    expect(done).toBe(nb);
    expect((await r.stats(systemContext('bare'))).unindexedBlocks).toBe(0);
    for (const q of QUERIES) expect(await all(r, 'bare', q), q).toEqual(before.get(q));
    expect((await r.searchEvents(systemContext('bare'), { q: 'mimikatz', limit: 1000 })).prunedBlocks).toBeGreaterThan(
      0,
    );
  });

  it('scans a rewritten block whose terms are stale, until it is indexed again', async () => {
    const nb = blocks('rw', true).length;
    await w.write({ blocks: blocks('rw', true), alerts: [], deadLetters: [] });
    const [b] = await sql<{ id: number; day: number; codec: number; data: Buffer }[]>`
      SELECT id, day, codec, data FROM ev_blocks WHERE tenant = 'rw' ORDER BY t_max DESC LIMIT 1`;
    if (!b) throw new Error('no block');
    // Rewrite the newest block as erasure would: a new payload and a new version; the old terms stay.
    const stored: BlockEvent[] = decodeBlock(b.codec, b.data).map((e, i) => ({
      id: e.id,
      time: e.time,
      ingested: e.ingested,
      source: e.source,
      raw: i === 0 ? e.raw.replace('/q', '/q zebrafish') : e.raw,
    }));
    const enc = encodeBlock('rw', b.day, stored);
    await sql`
      UPDATE ev_blocks SET data = ${Buffer.from(enc.data)}, codec = ${enc.codec}, raw_bytes = ${enc.rawBytes}, ver = ver + 1
      WHERE id = ${b.id} AND day = ${b.day}`;
    expect(await all(r, 'rw', 'zebrafish')).toEqual([stored[0]?.id]);
    expect((await r.stats(systemContext('rw'))).unindexedBlocks).toBe(1);
    expect(await w.indexPending(100)).toBe(1);
    const page = await r.searchEvents(systemContext('rw'), { q: 'zebrafish', limit: 10 });
    expect(page.items.map((e) => e.id)).toEqual([stored[0]?.id]);
    expect(page.prunedBlocks).toBe(nb - 1);
    // The old version's rows are gone; one marker per block remains.
    const [m] = await sql<{ n: number }[]>`SELECT count(*) AS n FROM ev_terms WHERE block = ${b.id} AND ver <> 1`;
    expect(m?.n).toBe(0);
  });

  it('backfills days written before the index existed (the migration step on a store with blocks)', async () => {
    await w.write({ blocks: blocks('old', true), alerts: [], deadLetters: [] });
    const want = await all(scan, 'old', 'whoami OR mimikatz');
    // As before step 23: no ev_terms at all. The step creates the partitions of existing days.
    await sql.unsafe(`DROP TABLE ev_terms CASCADE; ${EVENT_TERMS_STEP}`);
    const parts = await sql<{ n: number }[]>`
      SELECT count(*) AS n FROM pg_inherits WHERE inhparent = 'ev_terms'::regclass`;
    const days = await sql<{ n: number }[]>`
      SELECT count(*) AS n FROM pg_inherits WHERE inhparent = 'ev_ids'::regclass`;
    expect(parts[0]?.n).toBe(days[0]?.n);
    const fresh = await openPgEventStore(url, { max: 1, hydrator });
    try {
      expect(await all(fresh, 'old', 'whoami OR mimikatz')).toEqual(want);
      expect((await fresh.stats(systemContext('old'))).unindexedBlocks).toBe(blocks('old', true).length);
      while ((await fresh.indexPending(50)) > 0);
      expect(await all(fresh, 'old', 'whoami OR mimikatz')).toEqual(want);
      const sel = await fresh.searchEvents(systemContext('old'), { q: 'mimikatz', limit: 1000 });
      expect(sel.prunedBlocks).toBeGreaterThan(0);
      // A day that gets a block later still gets all its partitions.
      const late = encodeBlock(
        'old',
        dayOf(T0) + 40,
        [ev('old', 99_999)].map((e) => ({ ...e, time: T0 + 40 * 86_400_000 })),
      );
      expect((await fresh.write({ blocks: [late], alerts: [], deadLetters: [] })).events).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});
