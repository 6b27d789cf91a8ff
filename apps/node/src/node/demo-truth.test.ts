import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigSchema, systemContext } from '@intersoc/core';
import type { SimTruth } from '@intersoc/simulate';
import { EVENTS_DB_FILE, openEventReader } from '@intersoc/storage';
import { createHydrator } from '../pipeline/hydrator.js';
import { runDemo } from './demo.js';
import { ChainRecords, demoTruth } from './demo-truth.js';
import { startPipeline } from './start-pipeline.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('demo truth with event ids', () => {
  it('lists, per chain, the stored events of exactly that chain’s records', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-truth-'));
    dirs.push(dir);
    const tenant = 'default';
    const pipeline = await startPipeline(ConfigSchema.parse({ data: dir }), { workers: 0, detectors: [] });
    const records = new ChainRecords();
    const perChain = new Map<string, number>();
    let sim: SimTruth = { chains: [] };
    const s = await runDemo(pipeline, {
      tenant,
      hours: 1,
      seed: 3,
      end: Date.UTC(2025, 2, 5, 12),
      onRecord: (r) => {
        records.see(r);
        if (r.scenario !== undefined) perChain.set(r.scenario, (perChain.get(r.scenario) ?? 0) + 1);
      },
      onTruth: (t) => {
        sim = t;
      },
    });
    await pipeline.close();
    const reader = openEventReader(path.join(dir, EVENTS_DB_FILE), createHydrator());
    try {
      const truth = demoTruth(sim, records, reader, tenant, s.start, s.end);
      expect(truth.unmatched).toBe(0);
      expect(truth.chains.map((c) => c.id).sort()).toEqual([...perChain.keys()].sort());
      // Labels of every stored event, read in pages (one decode per block, not per event).
      const labels = new Map<string, string | undefined>();
      let cursor: string | undefined;
      do {
        const page = reader.searchEvents(systemContext(tenant), {
          q: '',
          limit: 10_000,
          ...(cursor === undefined ? {} : { cursor }),
        });
        for (const e of page.items) labels.set(e.id, e.label);
        cursor = page.next;
      } while (cursor !== undefined);
      const seen = new Set<string>();
      for (const c of truth.chains) {
        // As many events as the chain had records, each stored with one of the chain's labels.
        expect(c.events.length, c.id).toBe(perChain.get(c.id));
        for (const id of c.events) {
          expect(seen.has(id), `${id} in two chains`).toBe(false);
          seen.add(id);
          expect(labels.has(id), id).toBe(true);
          expect(c.techniques).toContain(labels.get(id));
        }
      }
    } finally {
      reader.close();
    }
  });
});
