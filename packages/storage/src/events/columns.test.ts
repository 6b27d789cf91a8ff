import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dayOf, eventId, flattenInto, systemContext, type FieldValue, type FlatFields } from '@intersoc/core';
import { compileQuery } from '../query/evaluate.js';
import { parseQuery } from '../query/parse.js';
import { eventHistogram } from './aggregate.js';
import { encodeBlock, type BlockEvent, type EncodedBlock } from './block.js';
import { eventDoc } from './event-doc.js';
import { openEventReader, type SqliteEventReader } from './reader.js';
import { rewriteEventDb } from './rewrite.js';
import type { EventHydrator } from './types.js';
import { openEventWriter, type SqliteEventWriter } from './writer.js';

// A JSON hydrator that maps record keys to the ECS names that have columns; some values only in
// the original fields (`cat`), some lists, some non-numeric ports: columns must answer as the
// hydrated events do.
let hydrated = 0;
const hydrator: EventHydrator = {
  hydrate(e) {
    hydrated++;
    const fields: FlatFields = {};
    flattenInto(fields, JSON.parse(e.raw));
    const ecs: Record<string, FieldValue> = {};
    const map: Record<string, string> = {
      code: 'event.code',
      cmd: 'process.command_line',
      proc: 'process.name',
      parent: 'process.parent.name',
      dport: 'destination.port',
      bytes: 'source.bytes',
      dns: 'dns.question.name',
      host: 'host.name',
    };
    for (const [k, f] of Object.entries(map)) if (fields[k] !== undefined) ecs[f] = fields[k];
    if (fields['cat'] !== undefined) fields['event.category'] = fields['cat'];
    return { fields, ecs };
  },
};

const T0 = Date.UTC(2024, 4, 1);
const A = systemContext('acme');
const N = 3000;

function ev(i: number): BlockEvent {
  const cmd =
    i === 1501
      ? `run ${'x'.repeat(70)}whoami /all`
      : i % 450 === 0
        ? `cmd.exe /c whoami /priv ${i}`
        : `powershell -nop -c get-item ${i % 13}`;
  const raw = JSON.stringify({
    code: i % 5 === 0 ? 4688 : String([1, 3, 4624, 4688][i % 4]),
    cmd,
    proc: ['whoami.exe', 'net.exe', 'cmd.exe', 'svchost.exe'][i % 4],
    parent: i % 3 === 0 ? 'cmd.exe' : 'explorer.exe',
    host: `wks-${i % 7}`,
    ...(i % 2 === 0 ? { dport: i % 50 === 0 ? 'http' : i % 17 === 0 ? [80, 443] : (i * 37) % 5000 } : {}),
    ...(i >= 1000 && i < 2000 ? { bytes: i === 1777 ? 250000 : (i * 53) % 90000 } : {}),
    ...(i % 3 === 1 ? { dns: `h${i % 5}.microsoft.com` } : { dns: 'x.example.org' }),
    ...(i % 4 === 1 ? { cat: 'network' } : {}),
  });
  return {
    id: eventId('acme', `f:${i}`, raw),
    time: T0 + i * 60_000,
    ingested: T0,
    source: { format: 'json', kind: 'file', name: 'f' },
    raw,
  };
}

const events = Array.from({ length: N }, (_, i) => ev(i));

function blocks(): EncodedBlock[] {
  const out: EncodedBlock[] = [];
  const byDay = new Map<number, BlockEvent[]>();
  for (const e of events) byDay.set(dayOf(e.time), [...(byDay.get(dayOf(e.time)) ?? []), e]);
  for (const [day, es] of byDay)
    for (let i = 0; i < es.length; i += 100) out.push(encodeBlock('acme', day, es.slice(i, i + 100)));
  return out;
}

const QUERIES = [
  'event.code:4688',
  'destination.port:[1 TO 1024]',
  'destination.port:http',
  'destination.port:>65535',
  'source.bytes:>100000',
  'source.bytes:<0',
  'process.command_line:*whoami*',
  'process.command_line:*hoam?*',
  'process.command_line:*zzqqzz*',
  'dns.question.name:*.microsoft.com',
  'event.code:1 AND process.parent.name:cmd.exe',
  'process.name:whoami.exe OR process.name:net.exe',
  'event.category:network AND NOT destination.port:443',
  'file.path:*x*',
  'process.command_line:*whoami* AND host:wks-0',
  'whoami',
  '',
];

const FROM = T0;
const TO = T0 + N * 60_000;
const BUCKETS = 24;

/** The answer by re-parsing every event: ids newest first, and histogram counts. */
function reference(r: SqliteEventReader, q: string): { ids: string[]; hist: number[] } {
  const pred = compileQuery(parseQuery(q));
  const hit = events.filter((b) => pred(eventDoc(r.toEvent('acme', b))));
  const bucketMs = Math.ceil((TO - FROM + 1) / BUCKETS);
  const hist = new Array<number>(BUCKETS).fill(0);
  for (const b of hit) hist[Math.min(BUCKETS - 1, Math.floor((b.time - FROM) / bucketMs))]!++;
  return { ids: hit.sort((a, b) => b.time - a.time).map((b) => b.id), hist };
}

describe('block columns', () => {
  let dir: string;
  let w: SqliteEventWriter;
  let r: SqliteEventReader;

  function all(q: string, limit = 41): string[] {
    const out: string[] = [];
    let cursor: string | undefined;
    do {
      const page = r.searchEvents(A, { q, limit, ...(cursor === undefined ? {} : { cursor }) });
      out.push(...page.items.map((e) => e.id));
      cursor = page.next;
    } while (cursor !== undefined);
    return out;
  }

  const histogram = (q: string): readonly number[] =>
    eventHistogram(r, A, { q, from: FROM, to: TO, buckets: BUCKETS }).counts;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'intersoc-columns-'));
    const file = path.join(dir, 'events.db');
    w = openEventWriter(file, hydrator);
    r = openEventReader(file, hydrator);
    w.write({ blocks: blocks(), alerts: [], deadLetters: [] });
  });
  afterEach(() => {
    r.close();
    w.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers exactly as re-parsing every event, before and after the columns are built', () => {
    const want = QUERIES.map((q) => ({ q, ...reference(r, q) }));
    expect(want.find((x) => x.q === 'process.command_line:*whoami*')?.ids).toHaveLength(8);
    expect(want.find((x) => x.q === 'source.bytes:>100000')?.ids).toHaveLength(1);
    // Without columns (and without terms): every block decoded, every event re-parsed.
    for (const x of want) {
      expect(all(x.q), x.q).toEqual(x.ids);
      expect(histogram(x.q), x.q).toEqual(x.hist);
    }
    expect(w.indexPending(1000)).toBe(blocks().length);
    expect(w.indexPending(1000)).toBe(0);
    r.cache.clear();
    for (const x of want) {
      expect(all(x.q), x.q).toEqual(x.ids);
      expect(histogram(x.q), x.q).toEqual(x.hist);
    }
  });

  it('counts and filters columned fields without re-parsing records or decoding blocks', () => {
    w.indexPending(1000);
    r.cache.clear();
    hydrated = 0;
    const h = eventHistogram(r, A, { q: 'event.code:4688 OR source.bytes:>1000', from: FROM, to: TO, buckets: 10 });
    expect(h.total).toBeGreaterThan(600);
    expect(hydrated).toBe(0);
    expect(r.cache.misses).toBe(0);
    // A page re-parses only the events it returns.
    const page = r.searchEvents(A, { q: 'destination.port:[1 TO 1024] AND NOT event.code:1', limit: 50 });
    expect(page.items).toHaveLength(50);
    expect(hydrated).toBe(50);
    // Zone maps: every block's bytes are known to be >= 0, so none is read.
    const none = r.searchEvents(A, { q: 'source.bytes:<0' });
    expect(none.items).toHaveLength(0);
    expect(none.prunedBlocks).toBe(blocks().length);
  });

  it('expands infix wildcards over the term dictionary, except where a token is too long for it', () => {
    w.indexPending(1000);
    hydrated = 0;
    // An alias keeps this query off the columns, so only the term index narrows it.
    const page = r.searchEvents(A, { q: 'process.command_line:*whoami* AND host:wks-3', limit: 1000 });
    // `whoami` is in a process name of every fourth event, so blocks are not pruned, but only
    // the groups of 64 events whose command lines hold it (7, and the flagged block's 100) are re-parsed.
    expect(hydrated).toBeLessThanOrEqual(7 * 64 + 100);
    expect(page.items.map((e) => e.id)).toEqual(reference(r, 'process.command_line:*whoami* AND host:wks-3').ids);
    // The event whose `whoami` sits inside a 76-character token is not in the dictionary: its
    // block is flagged and scanned, so it is still found.
    expect(all('process.command_line:*whoami* AND host:wks-3', 5)).toContain(events[1501]!.id);
  });

  it("prunes a block with over-long tokens when none of them holds the wildcard's literal run", () => {
    w.indexPending(1000);
    hydrated = 0;
    const q = 'process.command_line:*priv* AND host:wks-3';
    const page = r.searchEvents(A, { q, limit: 1000 });
    // `priv` is in 7 command lines, one per group of 64. The block of event 1501, whose over-long
    // token does not hold `priv`, is pruned instead of re-parsed whole (100 more).
    expect(hydrated).toBe(7 * 64);
    expect(page.items.map((e) => e.id)).toEqual(reference(r, q).ids);
  });

  it('ignores the columns of a rewritten block until they are rebuilt', () => {
    w.indexPending(1000);
    expect(all('process.command_line:*whoami*')).toHaveLength(8);
    rewriteEventDb(w.db, hydrator, {
      tenant: 'acme',
      values: ['whoami'],
      touches: (s) => s.includes('whoami'),
      event: (e) => ({ ...e, raw: e.raw.replaceAll('whoami', 'REDACTED') }),
      text: (s) => s.replaceAll('whoami', 'REDACTED'),
    });
    expect(all('process.command_line:*whoami*')).toEqual([]);
    expect(all('process.name:redacted.exe')).toHaveLength(750);
    expect(w.indexPending(1000)).toBeGreaterThan(0);
    expect(all('process.command_line:*whoami*')).toEqual([]);
    expect(histogram('process.name:redacted.exe').reduce((a, b) => a + b, 0)).toBe(750);
  });
});
