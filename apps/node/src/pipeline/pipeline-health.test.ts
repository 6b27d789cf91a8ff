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

async function start(): Promise<Pipeline> {
  dir = mkdtempSync(path.join(tmpdir(), 'intersoc-health-'));
  pipeline = await startPipeline(ConfigSchema.parse({ data: dir }), { workers: 1, detectors: [], idleFlushMs: 50 });
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

  it('reports blocks the term index has not reached for minutes as degraded', async () => {
    const p = await start();
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
    expect(p.stats.pendingIndexBlocks).toBeGreaterThan(0);
    expect(p.health().index.status).toBe('ok');
    expect(p.health(Date.now() + 6 * 60_000).index.status).toBe('degraded');
    await p.indexAll();
    expect(p.health(Date.now() + 6 * 60_000).index.status).toBe('ok');
  });
});
