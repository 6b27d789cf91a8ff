import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigSchema } from '@intersoc/core';
import { EVENTS_DB_FILE, openDatabase } from '@intersoc/storage';
import { startPipeline } from '../node/start-pipeline.js';
import type { Pipeline } from './pipeline.js';

const T = Date.UTC(2026, 0, 8, 8);
const body = (n: number): Uint8Array =>
  Buffer.from(
    Array.from({ length: n }, (_, i) => JSON.stringify({ '@timestamp': new Date(T + i).toISOString(), n: i })).join(
      '\n',
    ),
  );

let dir: string;
let pipeline: Pipeline | undefined;
afterEach(async () => {
  await pipeline?.close();
  pipeline = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function start(indexAtIngest = false): Promise<Pipeline> {
  dir = mkdtempSync(path.join(tmpdir(), 'intersoc-health-'));
  pipeline = await startPipeline(ConfigSchema.parse({ data: dir, storage: { indexAtIngest } }), {
    workers: 1,
    detectors: [],
    idleFlushMs: 50,
  });
  return pipeline;
}

describe('pipeline health', () => {
  it('reports a writer that cannot commit while work waits as degraded, and recovers', async () => {
    const p = await start();
    await p.submitChunk({
      stream: 's1',
      tenant: 't',
      source: { format: 'json', kind: 'http', name: 'api' },
      format: 'json',
      bytes: body(10),
      whole: false,
      end: true,
    });
    await p.flush();
    // Another process holds the database: the writer waits on its lock (a stuck disk).
    const other = openDatabase(path.join(dir, EVENTS_DB_FILE));
    other.exec('BEGIN EXCLUSIVE');
    try {
      await p.submitChunk({
        stream: 's2',
        tenant: 't',
        source: { format: 'json', kind: 'http', name: 'api' },
        format: 'json',
        bytes: body(10),
        whole: false,
        end: true,
      });
      const flushing = p.flush();
      await new Promise((r) => setTimeout(r, 300));
      expect(p.health(Date.now() + 31_000).store.status).toBe('degraded');
      expect(p.health(Date.now() + 31_000).store.detail).toMatch(/no commit/);
      other.exec('ROLLBACK');
      await flushing;
    } finally {
      other.close();
    }
    expect(p.health(Date.now() + 31_000).store.status).toBe('ok');
  });

  it('indexes blocks as they are written (storage.indexAtIngest), and says exactly what the index covers', async () => {
    const p = await start(true);
    await p.submitChunk({
      stream: 's',
      tenant: 't',
      source: { format: 'json', kind: 'http', name: 'api' },
      format: 'json',
      bytes: body(50),
      whole: false,
      end: true,
    });
    await p.flush();
    expect(p.stats.index).toMatchObject({ pendingBlocks: 0, pendingEvents: 0, indexedEvents: 50 });
    expect(p.stats.index.indexedBlocks).toBeGreaterThan(0);
    const h = p.health(Date.now() + 6 * 60_000).index;
    expect(h.status).toBe('ok');
    expect(h.detail).toMatch(/\(50 events\) in the term index, none pending/);
  });

  it('reports blocks left out of the term index (an older database) as degraded until indexed', async () => {
    const first = await start();
    await first.submitChunk({
      stream: 's',
      tenant: 't',
      source: { format: 'json', kind: 'http', name: 'api' },
      format: 'json',
      bytes: body(50),
      whole: false,
      end: true,
    });
    await first.flush();
    await first.close();
    pipeline = undefined;
    // Blocks of a database written before the index was built at write time.
    const db = openDatabase(path.join(dir, EVENTS_DB_FILE));
    db.exec('UPDATE blocks SET indexed = 0');
    db.exec("DELETE FROM block_terms; INSERT INTO block_terms (block_terms) VALUES ('optimize')");
    db.close();
    pipeline = await startPipeline(ConfigSchema.parse({ data: dir }), { workers: 1, detectors: [], idleFlushMs: 50 });
    const p = pipeline;
    expect(p.stats.index).toMatchObject({ indexedBlocks: 0, pendingEvents: 50 });
    expect(p.health().index.status).toBe('ok');
    const late = p.health(Date.now() + 2 * 60_000).index;
    expect(late.status).toBe('degraded');
    expect(late.detail).toMatch(/0 blocks \(0 events\) in the term index; \d+ blocks \(50 events\) pending/);
    await p.indexAll();
    expect(p.stats.index).toMatchObject({ pendingBlocks: 0, indexedEvents: 50 });
    expect(p.health(Date.now() + 6 * 60_000).index.status).toBe('ok');
  });
  it('says how many blocks wait for their field columns, until the indexer builds them', async () => {
    const first = await start();
    await first.submitChunk({
      stream: 's',
      tenant: 't',
      source: { format: 'json', kind: 'http', name: 'api' },
      format: 'json',
      bytes: body(50),
      whole: false,
      end: true,
    });
    await first.flush();
    await first.indexAll();
    expect(first.stats.index.columnPendingBlocks).toBe(0);
    await first.close();
    pipeline = undefined;
    // Term-indexed blocks without columns: an older database, or blocks indexed at ingest.
    const db = openDatabase(path.join(dir, EVENTS_DB_FILE));
    db.exec('DELETE FROM block_columns');
    db.close();
    pipeline = await startPipeline(ConfigSchema.parse({ data: dir }), { workers: 1, detectors: [], idleFlushMs: 50 });
    const p = pipeline;
    expect(p.stats.index.columnPendingBlocks).toBeGreaterThan(0);
    expect(p.health().index.detail).toMatch(/\d+ of them waiting for their field columns/);
    await p.indexAll();
    expect(p.stats.index.columnPendingBlocks).toBe(0);
    expect(p.health().index.detail).not.toMatch(/field columns/);
  });
});
