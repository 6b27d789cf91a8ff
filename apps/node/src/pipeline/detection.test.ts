import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ConfigSchema, systemContext } from '@intersoc/core';
import { EVENTS_DB_FILE, openEventReader } from '@intersoc/storage';
import { runDemo } from '../node/demo.js';
import { startPipeline } from '../node/start-pipeline.js';
import { createHydrator } from './hydrator.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// Demo telemetry through the real pipeline with the starter Sigma pack: single-event rules fire
// in the parse threads, correlations (brute force, spraying) in the one correlation stage.
// A regression test: the pack was written for this simulator, so coverage here is no evidence
// of detection quality; `bench detection` measures that on real (mordor) captures.
for (const workers of [0, 2]) {
  it(`detects the simulated attacks with ${workers === 0 ? 'the inline stage' : `${workers} parse workers`}`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-detect-'));
    dirs.push(dir);
    const pipeline = await startPipeline(ConfigSchema.parse({ data: dir }), {
      workers,
      detectors: ['sigma'],
      idleFlushMs: 100,
    });
    const demo = await runDemo(pipeline, { tenant: 'default', hours: 1, seed: 7, end: Date.UTC(2025, 2, 4, 15) });
    await pipeline.close();
    const reader = openEventReader(path.join(dir, EVENTS_DB_FILE), createHydrator());
    const ctx = systemContext('default');
    const all = reader.searchAlerts(ctx, { q: '', limit: 10_000 }).items;
    reader.close();
    const techniques = new Set(all.flatMap((a) => a.techniques));
    const attacked = Object.keys(demo.byLabel).filter((l) => l !== 'benign');
    expect(all.length).toBeGreaterThan(0);
    // Credential dumping and a correlation (brute force or spraying) are both detected.
    expect([...techniques].some((t) => t.startsWith('T1003'))).toBe(true);
    expect(all.some((a) => a.details?.['correlation'] !== undefined || a.eventIds.length > 1)).toBe(true);
    // Most simulated techniques are covered by some alert.
    const covered = attacked.filter(
      (t) => techniques.has(t) || [...techniques].some((x) => t.startsWith(x) || x.startsWith(t)),
    );
    expect(covered.length / attacked.length).toBeGreaterThan(0.6);
  });
}
