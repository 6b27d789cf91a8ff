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

// The simulator writes each Windows process start as Sysmon 1 plus its Security 4688 twin, and
// the starter pack's process_creation rules match both: through the real pipeline, each start
// gives one alert per rule, holding both events.
it('raises one alert per rule and process start, with the Sysmon 1 and the 4688 attached', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-twins-'));
  dirs.push(dir);
  const pipeline = await startPipeline(ConfigSchema.parse({ data: dir }), {
    workers: 0,
    detectors: ['sigma'],
    idleFlushMs: 100,
  });
  await runDemo(pipeline, { tenant: 'default', hours: 1, seed: 7, end: Date.UTC(2025, 2, 4, 15) });
  await pipeline.close();
  const reader = openEventReader(path.join(dir, EVENTS_DB_FILE), createHydrator());
  const ctx = systemContext('default');
  const alerts = reader.searchAlerts(ctx, { q: 'detector.kind:sigma', limit: 10_000 }).items;
  // Each alert's process start: rule, host, pid and program of its first process-creation event.
  const starts = new Map<string, string[]>();
  let pairs = 0;
  for (const a of alerts) {
    const events = a.eventIds.map((id) => reader.getEvent(ctx, id)).filter((e) => e !== undefined);
    const created = events.filter((e) => e.ecs['event.action'] === 'process-created');
    const first = created[0];
    if (!first) continue;
    const codes = new Set(created.map((e) => e.ecs['event.code']));
    if (codes.has('1') && codes.has('4688')) pairs++;
    const key = [
      a.detector.ruleId,
      first.ecs['host.name'],
      first.ecs['process.pid'],
      String(first.ecs['process.executable']).toLowerCase(),
      Math.round(first.time / 10_000),
    ].join('|');
    starts.set(key, [...(starts.get(key) ?? []), a.id]);
  }
  reader.close();
  expect(pairs).toBeGreaterThan(0);
  const twice = [...starts.entries()].filter(([, ids]) => ids.length > 1).map(([k]) => k);
  expect(twice).toEqual([]);
});
