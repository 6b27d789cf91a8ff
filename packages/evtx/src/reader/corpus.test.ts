import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { diffRecord } from '../internal/testing/compare.js';
import type { EvtxChunkInfo, EvtxRecord, JsonObject } from '../types.js';
import { chunkOptions, EvtxWalker, walkEvtx } from './index.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const CORPORA = process.env['INTERSOC_CORPORA'] ?? path.resolve(REPO, '../shared/corpora');
const DIR = path.join(CORPORA, 'evtx');

function filesUnder(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, suffix));
    else if (name.endsWith(suffix)) out.push(p);
  }
  return out;
}

/** EventRecordID as the event itself states it (ETW captures renumber the record header). */
function eventRecordId(event: unknown): string {
  const sys = ((event as JsonObject)['Event'] as JsonObject | undefined)?.['System'] as JsonObject | undefined;
  return String(sys?.['EventRecordID']);
}

interface FileResult {
  readonly file: string;
  readonly declared: number;
  readonly decoded: number;
  readonly reference: number;
  readonly manifest: number;
  readonly unmatched: number;
  readonly mismatches: number;
  readonly problems: readonly string[];
  readonly examples: readonly string[];
}

async function check(file: string, manifestRecords: number): Promise<FileResult> {
  const chunks: EvtxChunkInfo[] = [];
  const problems: string[] = [];
  const byId = new Map<string, EvtxRecord[]>();
  let decoded = 0;
  for await (const item of walkEvtx(
    gunzipSync(readFileSync(file)),
    new EvtxWalker(chunkOptions(), (c) => chunks.push(c)),
  )) {
    if (!item.ok) {
      problems.push(`chunk ${item.chunk}: ${item.reason}`);
      continue;
    }
    decoded++;
    const id = eventRecordId(item.record.event);
    const list = byId.get(id);
    if (list) list.push(item.record);
    else byId.set(id, [item.record]);
  }
  const refText = gunzipSync(readFileSync(file.replace(/\.evtx\.gz$/, '.jsonl.gz'))).toString('utf8');
  const reference = refText.split('\n').filter((l) => l.trim() !== '');
  let unmatched = 0;
  let mismatches = 0;
  const examples: string[] = [];
  for (const line of reference) {
    const ref = JSON.parse(line) as unknown;
    const mine = byId.get(eventRecordId(ref))?.shift();
    if (!mine) {
      unmatched++;
      continue;
    }
    const diffs = diffRecord(ref, mine.event);
    mismatches += diffs.length;
    for (const d of diffs.slice(0, 2)) {
      if (examples.length < 4)
        examples.push(`record ${mine.recordId} ${d.path}: expected ${d.expected} got ${d.actual}`);
    }
  }
  return {
    file: path.relative(DIR, file),
    declared: chunks.reduce((n, c) => n + c.declared, 0),
    decoded,
    reference: reference.length,
    manifest: manifestRecords,
    unmatched,
    mismatches,
    problems,
    examples,
  };
}

describe.skipIf(!existsSync(DIR))('EVTX corpus (shared/corpora/evtx)', { tags: ['corpus'] }, () => {
  it('decodes every file: all records, equal to the JSON renderings field by field', async () => {
    const manifest = new Map<string, { records: number; record_errors: number }>();
    for (const line of readFileSync(path.join(DIR, 'manifest.jsonl'), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const m = JSON.parse(line) as { file: string; records: number; record_errors: number };
      manifest.set(m.file, m);
    }
    const files = filesUnder(DIR, '.evtx.gz');
    expect(files.length).toBeGreaterThan(0);
    const results: FileResult[] = [];
    for (const f of files) {
      const m = manifest.get(path.relative(DIR, f).split(path.sep).join('/'));
      results.push(await check(f, m === undefined ? -1 : m.records + m.record_errors));
    }
    const bad = results.filter(
      (r) =>
        r.mismatches > 0 ||
        r.unmatched > 0 ||
        r.problems.length > 0 ||
        r.decoded !== r.declared ||
        r.decoded < r.reference,
    );
    // Per-file report, printed only when something is off.
    for (const r of bad) console.error(JSON.stringify(r));
    const total = (k: 'decoded' | 'declared' | 'reference' | 'mismatches') => results.reduce((n, r) => n + r[k], 0);
    console.info(
      `evtx corpus: ${results.length} files, ${total('decoded')} records decoded, ${total('declared')} declared by chunk headers, ` +
        `${total('reference')} in the renderings, ${total('mismatches')} field mismatches`,
    );
    expect(bad.map((r) => r.file)).toEqual([]);
    // The renderings miss the records libevtx could not decode; the reader must get those too.
    expect(total('decoded') - total('reference')).toBeGreaterThan(1000);
    for (const r of results) if (r.manifest >= 0) expect(r.decoded, r.file).toBe(r.manifest);
  });
});
