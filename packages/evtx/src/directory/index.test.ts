import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFile, ChunkBuilder, eventTemplate, V } from '../internal/testing/builder.js';
import type { DirectoryItem } from './index.js';
import { listEvtxFiles, readEvtxDirectory, readEvtxDirectoryJson, workerScript } from './index.js';

/** A file of `count` records, 250 per chunk. */
function file(first: number, count: number): Buffer {
  const chunks: Uint8Array[] = [];
  const t = eventTemplate(1, ['n'], [0x08]);
  for (let start = first; start < first + count; start += 250) {
    const c = new ChunkBuilder();
    for (let id = start; id < Math.min(start + 250, first + count); id++) {
      c.record(id, '2020-01-01T00:00:00Z', t, [
        V.str('P'),
        V.u16(1),
        V.filetime('2020-01-01T00:00:00Z'),
        V.str('C'),
        V.u32(id),
      ]);
    }
    chunks.push(c.finish(start));
  }
  return buildFile(chunks);
}

async function byFile(items: AsyncIterable<DirectoryItem>): Promise<Record<string, (number | string)[]>> {
  const out: Record<string, (number | string)[]> = {};
  for await (const { file, item } of items) {
    (out[path.basename(file)] ??= []).push(item.ok ? item.record.recordId : item.reason);
  }
  return out;
}

describe('readEvtxDirectory', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'evtx-dir-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'sub'));
  writeFileSync(path.join(dir, 'a.evtx'), file(1, 300));
  writeFileSync(path.join(dir, 'b.EVTX'), file(1000, 50));
  writeFileSync(path.join(dir, 'sub', 'c.evtx.gz'), gzipSync(file(5000, 700)));
  writeFileSync(path.join(dir, 'notes.txt'), 'not a log');
  writeFileSync(path.join(dir, 'empty.evtx'), '');

  const expected = {
    'a.evtx': Array.from({ length: 300 }, (_, i) => 1 + i),
    'b.EVTX': Array.from({ length: 50 }, (_, i) => 1000 + i),
    'c.evtx.gz': Array.from({ length: 700 }, (_, i) => 5000 + i),
    'empty.evtx': ['empty input'],
  };

  it('lists EVTX files recursively or not', async () => {
    expect((await listEvtxFiles(dir)).map((f) => path.relative(dir, f))).toEqual([
      'a.evtx',
      'b.EVTX',
      'empty.evtx',
      path.join('sub', 'c.evtx.gz'),
    ]);
    expect(await listEvtxFiles(dir, false)).toHaveLength(3);
  });

  it('reads every file on worker threads, each file in order', async () => {
    // The compiled worker must exist for the parallel path to run (the build precedes the tests).
    expect(workerScript()).toMatch(/worker\.js$/);
    expect(await byFile(readEvtxDirectory(dir, { workers: 2 }))).toEqual(expected);
  });

  it('gives the same items on the calling thread', async () => {
    expect(await byFile(readEvtxDirectory(dir, { workers: 0 }))).toEqual(expected);
  });

  it('gives events as JSON text, built on the workers', async () => {
    const objects = new Map<string, string>();
    for await (const { file, item } of readEvtxDirectory(dir, { workers: 0 })) {
      if (item.ok) objects.set(`${file}#${item.record.recordId}`, JSON.stringify(item.record.event));
    }
    const texts = new Map<string, string>();
    for await (const { file, item } of readEvtxDirectoryJson(dir, { workers: 2 })) {
      if (item.ok) {
        expect(item.record).not.toHaveProperty('event');
        texts.set(`${file}#${item.record.recordId}`, item.record.json);
      }
    }
    expect(texts.size).toBe(1050);
    expect(texts).toEqual(objects);
  });

  it('stops the workers when the consumer stops early', async () => {
    let n = 0;
    for await (const _ of readEvtxDirectory(dir, { workers: 2 })) if (++n === 10) break;
    expect(n).toBe(10);
  });
});
