/**
 * Measurement of the PostgreSQL term index (the figures in `domains/event-terms-schema.ts`), not a
 * test: runs only with `INTERSOC_MEASURE=1` and a reachable PostgreSQL, and prints a table. It
 * writes the same synthetic events (Windows-like JSON with high-cardinality values: GUIDs, pids,
 * addresses, free-text messages) with and without term documents, then times queries with and
 * without pruning and compares two other representations built from the same tokens: one
 * `text[]` per block under GIN, and an inverted `(term, block)` B-tree table.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { dayOf, eventId, flattenInto, systemContext, type FlatFields } from '@intersoc/core';
import { BlockPacker } from '../events/block-packer.js';
import { encodeBlock, type BlockEvent, type EncodedBlock } from '../events/block.js';
import type { EventHydrator } from '../events/types.js';
import { openPg } from './connect.js';
import { migratePg, openPgEventStore, type PgEventStore } from './index.js';
import { createScratchDb, type ScratchDb } from './scratch.js';

const hydrator: EventHydrator = {
  hydrate(e) {
    const fields: FlatFields = {};
    flattenInto(fields, JSON.parse(e.raw));
    return { fields, ecs: typeof fields['host'] === 'string' ? { 'host.name': fields['host'] } : {} };
  },
};

const EVENTS = Number(process.env['INTERSOC_MEASURE_EVENTS'] ?? 200_000);
const PER_BLOCK = 1_000;
const DAYS = 10;
const T0 = Date.UTC(2024, 0, 1);
const WORDS = Array.from({ length: 3000 }, (_, i) => `w${(i * 7919).toString(36)}`);

/** A deterministic pseudo-random stream. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function events(tenant: string): BlockEvent[] {
  const r = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const tools = ['svchost.exe', 'explorer.exe', 'chrome.exe', 'powershell.exe', 'cmd.exe', 'conhost.exe'];
  return Array.from({ length: EVENTS }, (_, i) => {
    const rare = i % 5000 === 17;
    const rec = {
      EventID: pick([4624, 4625, 4688, 4689, 5156, 4672]),
      host: `WKS-${Math.floor(r() * 200)}`,
      user: `CORP\\user${Math.floor(r() * 500)}`,
      Image: `C:\\Windows\\System32\\${rare ? 'mimikatz.exe' : pick(tools)}`,
      CommandLine: `${pick(tools)} /c ${pick(WORDS)} ${pick(WORDS)} --id ${Math.floor(r() * 1e6)}`,
      ProcessId: Math.floor(r() * 65536),
      ProcessGuid: `{${Math.floor(r() * 2 ** 32).toString(16)}-${Math.floor(r() * 2 ** 16).toString(16)}-4e1a-${Math.floor(r() * 2 ** 32).toString(16)}}`,
      SourceIp: `10.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}`,
      DestinationPort: pick([53, 80, 443, 445, 3389, 8080]),
      Message: Array.from({ length: 8 }, () => pick(WORDS)).join(' '),
    };
    const raw = JSON.stringify(rec);
    const time = T0 + Math.floor((i / EVENTS) * DAYS * 86_400_000);
    return { id: eventId(tenant, `m:${i}`, raw), time, ingested: time, source: SRC, raw };
  });
}
const SRC = { format: 'json', kind: 'file', name: 'm' } as const;

function blocksOf(tenant: string, es: readonly BlockEvent[], terms: boolean): EncodedBlock[] {
  const out: EncodedBlock[] = [];
  for (let i = 0; i < es.length;) {
    const day = dayOf((es[i] as BlockEvent).time);
    let j = i;
    while (j < es.length && j - i < PER_BLOCK && dayOf((es[j] as BlockEvent).time) === day) j++;
    const part = es.slice(i, j);
    if (terms) {
      const p = new BlockPacker(tenant, day, part.length);
      for (const e of part) p.add(e, hydrator.hydrate(e));
      out.push(p.finish());
    } else out.push(encodeBlock(tenant, day, part));
    i = j;
  }
  return out;
}

const on = process.env['INTERSOC_MEASURE'] === '1';
const db = on ? await createScratchDb('intersoc_measure') : { unavailable: 'INTERSOC_MEASURE is not 1' };
const live = 'url' in db ? (db as ScratchDb) : undefined;

describe.skipIf(live === undefined)('term index measurement', () => {
  afterAll(async () => {
    await live?.drop();
  });

  it('prints sizes, write cost, query times and blocks read', { timeout: 3_600_000 }, async () => {
    const url = live?.url ?? '';
    await migratePg(url);
    const sql = openPg(url, { max: 1 });
    const w = await openPgEventStore(url, { max: 1, hydrator });
    const idx = await openPgEventStore(url, { max: 1, hydrator });
    const scan = await openPgEventStore(url, { max: 1, hydrator, termIndex: false });
    const lines: string[] = [];
    const log = (s: string): void => {
      lines.push(s);
      console.log(s);
    };
    try {
      const withTerms = blocksOf('t', events('t'), true);
      const bare = blocksOf('b', events('b'), false);
      // Warm up partitions and the connection, then time the writes (batches of 20 blocks).
      const time = async (bs: readonly EncodedBlock[]): Promise<number> => {
        const t = performance.now();
        for (let i = 0; i < bs.length; i += 20)
          await w.write({ blocks: bs.slice(i, i + 20), alerts: [], deadLetters: [] });
        return performance.now() - t;
      };
      const tBare = await time(bare);
      const tTerms = await time(withTerms);
      log(`events per tenant ${EVENTS}, blocks ${withTerms.length}`);
      log(
        `write without terms ${((tBare / EVENTS) * 1000).toFixed(1)} us/event, with terms ${((tTerms / EVENTS) * 1000).toFixed(1)} us/event`,
      );
      const size = async (root: string): Promise<{ total: number; index: number }> => {
        const [row] = await sql<{ total: number; index: number }[]>`
          SELECT coalesce(sum(pg_total_relation_size(relid)), 0)::int8 AS total,
                 coalesce(sum(pg_indexes_size(relid)), 0)::int8 AS index
          FROM pg_partition_tree(${root}::regclass) WHERE isleaf`;
        return row ?? { total: 0, index: 0 };
      };
      const blocksSize = await size('ev_blocks');
      const termsSize = await size('ev_terms');
      log(`ev_blocks ${(blocksSize.total / 2 ** 20).toFixed(1)} MiB (both tenants, ${EVENTS * 2} events)`);
      log(
        `ev_terms ${(termsSize.total / 2 ** 20).toFixed(1)} MiB (one tenant), of which indexes ${(termsSize.index / 2 ** 20).toFixed(1)} MiB`,
      );
      // Backfill: the bare tenant's blocks through indexPending.
      let t = performance.now();
      while ((await w.indexPending(50)) > 0);
      log(`backfill (indexPending) ${(((performance.now() - t) / EVENTS) * 1000).toFixed(1)} us/event`);

      const ctx = systemContext('t');
      const queries: [string, number][] = [
        ['mimikatz', 1000],
        ['Image:"C:\\\\Windows\\\\System32\\\\mimikatz.exe"', 1000],
        ['user:"CORP\\\\user17"', 1000],
        ['user:"CORP\\\\user17"', 100],
        ['w4n AND w9i', 1000],
        ['powershell.exe', 100],
        ['powershell.exe', 10000],
        ['DestinationPort:3389 AND host:WKS-3', 1000],
        ['NOT conhost', 100],
        ['Image:*katz*', 1000],
      ];
      const run = async (s: PgEventStore, q: string, limit: number) => {
        await s.searchEvents(ctx, { q, limit }); // warm (block cache of the store is per instance)
        let best = Infinity;
        let page;
        for (let k = 0; k < 3; k++) {
          const t0 = performance.now();
          page = await s.searchEvents(ctx, { q, limit });
          best = Math.min(best, performance.now() - t0);
        }
        return { ms: best, page: page as Awaited<ReturnType<PgEventStore['searchEvents']>> };
      };
      log('query | limit | hits | index ms | blocks read | pruned | scan ms | blocks read');
      for (const [q, limit] of queries) {
        const a = await run(idx, q, limit);
        const b = await run(scan, q, limit);
        expect(a.page.items.map((e) => e.id)).toEqual(b.page.items.map((e) => e.id));
        log(
          `${q} | ${limit} | ${a.page.items.length} | ${a.ms.toFixed(0)} | ${a.page.scannedBlocks} | ${a.page.prunedBlocks} | ${b.ms.toFixed(0)} | ${b.page.scannedBlocks}`,
        );
      }

      // Other representations from the same tokens, for comparison (tenant t only).
      await sql`CREATE TABLE alt_block AS
        SELECT t.block, array_agg(DISTINCT l) AS terms FROM ev_terms t
        JOIN ev_blocks b ON b.id = t.block AND b.day = t.day AND b.tenant = 't',
        unnest(tsvector_to_array(t.terms)) AS l
        WHERE t.grp >= 0 AND l !~ '^zq[0-9a-z]+_' GROUP BY t.block`;
      t = performance.now();
      await sql`CREATE INDEX alt_block_gin ON alt_block USING gin (terms)`;
      log(`text[] per block + GIN: build ${(performance.now() - t).toFixed(0)} ms`);
      await sql`CREATE TABLE alt_inv AS SELECT DISTINCT l AS term, block FROM alt_block, unnest(terms) AS l`;
      await sql`CREATE INDEX alt_inv_term ON alt_inv (term COLLATE "C", block)`;
      await sql`VACUUM ANALYZE alt_block`;
      await sql`VACUUM ANALYZE alt_inv`;
      await sql`VACUUM ANALYZE ev_terms`;
      for (const name of ['alt_block', 'alt_inv']) {
        const [s] = await sql<{ total: number; index: number }[]>`
          SELECT pg_total_relation_size(${name}::regclass)::int8 AS total, pg_indexes_size(${name}::regclass)::int8 AS index`;
        log(
          `${name} ${((s?.total ?? 0) / 2 ** 20).toFixed(1)} MiB, indexes ${((s?.index ?? 0) / 2 ** 20).toFixed(1)} MiB`,
        );
      }
      const lookups: [string, () => PromiseLike<readonly unknown[]>][] = [
        [
          'tsvector blocks (partial GIN): mimikatz',
          () => sql`SELECT block FROM ev_terms WHERE terms @@ 'mimikatz'::tsquery AND grp = -1`,
        ],
        ['text[] blocks: mimikatz', () => sql`SELECT block FROM alt_block WHERE terms @> ARRAY['mimikatz']`],
        ['inverted: mimikatz', () => sql`SELECT block FROM alt_inv WHERE term = 'mimikatz'`],
        [
          'tsvector blocks (partial GIN): powershell & exe',
          () => sql`SELECT block FROM ev_terms WHERE terms @@ 'powershell & exe'::tsquery AND grp = -1`,
        ],
        [
          'text[] blocks: powershell & exe',
          () => sql`SELECT block FROM alt_block WHERE terms @> ARRAY['powershell', 'exe']`,
        ],
        [
          'inverted: powershell & exe',
          () =>
            sql`SELECT block FROM alt_inv WHERE term = 'powershell' INTERSECT SELECT block FROM alt_inv WHERE term = 'exe'`,
        ],
        [
          'tsvector blocks (partial GIN): w4n:*',
          () => sql`SELECT block FROM ev_terms WHERE terms @@ 'w4n:*'::tsquery AND grp = -1`,
        ],
        [
          'inverted: w4n*',
          () => sql`SELECT DISTINCT block FROM alt_inv WHERE term COLLATE "C" >= 'w4n' AND term COLLATE "C" < 'w4o'`,
        ],
      ];
      // After ANALYZE (as autovacuum would): the plan of a day's block lookup, and the searches again.
      const plan = await sql<{ 'QUERY PLAN': string }[]>`
        EXPLAIN ANALYZE SELECT block, ver FROM ev_terms
        WHERE day = ANY(${[dayOf(T0), dayOf(T0) + 1]}::int4[]) AND grp = -1 AND terms @@ 'w4n & w9i'::tsquery`;
      for (const p of plan) log(`  ${p['QUERY PLAN']}`);
      for (const [q, limit] of [queries[0], queries[4], queries[6]] as [string, number][]) {
        const a = await run(idx, q, limit);
        log(`after ANALYZE: ${q} | ${limit} | index ${a.ms.toFixed(0)} ms | blocks read ${a.page.scannedBlocks}`);
      }
      for (const [name, f] of lookups) {
        await f();
        const t0 = performance.now();
        const rows = await f();
        log(`${name}: ${rows.length} rows, ${(performance.now() - t0).toFixed(1)} ms`);
      }
      console.log(lines.join('\n'));
    } finally {
      await Promise.all([w.close(), idx.close(), scan.close(), sql.end({ timeout: 1 })]);
    }
  });
});
