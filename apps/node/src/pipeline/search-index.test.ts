import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema, systemContext } from '@intersoc/core';
import { simulate } from '@intersoc/simulate';
import { EVENTS_DB_FILE, eventHistogram, openEventReader, type SqliteEventReader } from '@intersoc/storage';
import { startPipeline } from '../node/start-pipeline.js';
import { createHydrator } from './hydrator.js';
import type { Pipeline } from './pipeline.js';

// The term index is built from the values the parse workers have just parsed; search re-derives
// values from the stored records. On real parsers' output (the simulator's Windows, Zeek, auditd
// and syslog records), every query must give the same answer with the index as without it.
const START = Date.UTC(2026, 0, 5);
const ctx = systemContext('t');
const QUERIES = [
  'mimikatz',
  'powershell',
  'event.code:4688',
  'event.category:network',
  'host:wks-03',
  'host.name:fs-01',
  'user.name:administrator',
  'process.name:power*',
  'dns.question.name:*.microsoft.com',
  'destination.port:[1 TO 1024]',
  'event.code:1 AND process.parent.name:cmd.exe',
  'process.name:whoami.exe OR process.name:net.exe',
  'event.category:network AND NOT destination.port:443',
  'sshd',
  'process.command_line:*whoami*',
];

let dir: string;
let pipeline: Pipeline | undefined;
let reader: SqliteEventReader;

function all(q: string): string[] {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const page = reader.searchEvents(ctx, { q, limit: 500, ...(cursor === undefined ? {} : { cursor }) });
    out.push(...page.items.map((e) => e.id));
    cursor = page.next;
  } while (cursor !== undefined);
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'intersoc-search-index-'));
  // Terms collected at ingest: the path this test checks against a scan.
  pipeline = await startPipeline(ConfigSchema.parse({ data: dir, storage: { indexAtIngest: true } }), {
    workers: 1,
    detectors: [],
    idleFlushMs: 50,
  });
  const records = [...simulate({ seed: 7, hours: 1, start: START, hosts: 8, intensity: 1 })].map((r, i) => ({
    format: r.format,
    source: { format: r.format, kind: 'demo' as const, name: r.source, peer: r.host },
    record: r.record,
    key: `sim:${i}`,
  }));
  for (let i = 0; i < records.length; i += 1000) await pipeline.submitRecords('t', records.slice(i, i + 1000));
  await pipeline.flush();
  expect(pipeline.stats.index.pendingBlocks).toBe(0);
  await pipeline.close();
  pipeline = undefined;
  reader = openEventReader(path.join(dir, EVENTS_DB_FILE), createHydrator());
}, 120_000);

afterAll(async () => {
  reader.close();
  await pipeline?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('term index built at ingest', () => {
  it('gives the same results and histograms as a scan without the index', () => {
    const span = { from: START, to: START + 3_600_000, buckets: 12 };
    const indexed = QUERIES.map((q) => ({ q, ids: all(q), hist: eventHistogram(reader, ctx, { q, ...span }).counts }));
    // Most queries find something on the simulated hour.
    expect(indexed.filter((x) => x.ids.length > 0).length).toBeGreaterThanOrEqual(8);
    reader.db.exec('UPDATE blocks SET indexed = 0; DELETE FROM block_terms; DELETE FROM group_terms');
    reader.cache.clear();
    for (const x of indexed) {
      expect(all(x.q), x.q).toEqual(x.ids);
      expect(eventHistogram(reader, ctx, { q: x.q, ...span }).counts, x.q).toEqual(x.hist);
    }
  });
});
