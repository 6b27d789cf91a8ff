import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigSchema } from '@intersoc/core';
import { startPipeline } from '../node/start-pipeline.js';
import type { Pipeline } from './pipeline.js';

const T = Date.UTC(2024, 0, 15, 10);
const ndjson = (n: number, tag: string): string =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      '@timestamp': new Date(T + i).toISOString(),
      host: { name: `h${i % 3}` },
      message: `${tag} ${i}`,
    }),
  ).join('\n') + '\n';

describe('files over parse workers', () => {
  let dir: string;
  let pipeline: Pipeline;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'intersoc-pipe-files-'));
    pipeline = await startPipeline(ConfigSchema.parse({ data: dir }), { workers: 2, detectors: [], idleFlushMs: 50 });
  });
  afterEach(async () => {
    await pipeline.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the next file to the lane that is free, not to one still busy with a long file', async () => {
    const files = { long: 40_000, short1: 10, short2: 10 };
    for (const [name, n] of Object.entries(files)) writeFileSync(path.join(dir, `${name}.jsonl`), ndjson(n, name));
    const finished: string[] = [];
    // Submitted together, as `intersoc ingest DIR` does: the long file takes one lane, the first
    // short file the other, and the second short file must follow it there, not queue behind
    // the long one (which handing every file out at once did, the lanes alternating).
    await Promise.all(
      Object.keys(files).map(async (name) => {
        await pipeline.ingestFile(path.join(dir, `${name}.jsonl`), { tenant: 'default' });
        finished.push(name);
      }),
    );
    await pipeline.flush();
    expect(finished.indexOf('short2')).toBeLessThan(finished.indexOf('long'));
    expect(pipeline.stats.stored.events).toBe(40_020);
  });
});
