import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigSchema, eventId, systemContext, type Alert } from '@intersoc/core';
import { INCIDENT_STATUSES, rsitType } from '@intersoc/correlate';
import { simulate, type SimTruth } from '@intersoc/simulate';
import { EVENTS_DB_FILE, NODE_DB_FILE, openDatabase, openEventReader } from '@intersoc/storage';
import { createHydrator } from '../../pipeline/hydrator.js';
import { runDemo } from '../demo.js';
import { startPipeline } from '../start-pipeline.js';
import { estateAssets } from './estate.js';
import { IncidentStage } from './stage.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Demo → Sigma detection → incidents; returns the incidents' chain make-up against the truth. */
async function run(seed: number, workers: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-incidents-'));
  dirs.push(dir);
  const hours = 24;
  const end = Date.UTC(2025, 2, 5, 6);
  const tenant = 'default';
  const ctx = systemContext(tenant);
  const db = openDatabase(path.join(dir, NODE_DB_FILE));
  const reader = openEventReader(path.join(dir, EVENTS_DB_FILE), createHydrator());
  const stage = new IncidentStage({ db, reader });
  const pipeline = await startPipeline(ConfigSchema.parse({ data: dir }), {
    workers,
    detectors: ['sigma'],
    idleFlushMs: 100,
  });
  let truth: SimTruth = { chains: [] };
  try {
    await runDemo(pipeline, {
      tenant,
      hours,
      seed,
      end,
      onEstate: (estate) => stage.assets.upsert(ctx, estateAssets(estate)),
      onTruth: (t) => {
        truth = t;
      },
    });
  } finally {
    await pipeline.close();
  }
  stage.catchUp();
  // Which story each event belongs to: the demo's ids are those of its records in order.
  const chainOfEvent = new Map<string, string>();
  let n = 0;
  for (const r of simulate({ seed, hours, start: end - hours * 3_600_000 })) {
    if (r.scenario !== undefined)
      chainOfEvent.set(eventId(tenant, `demo:${seed}:${r.source}:${n}`, r.record), r.scenario);
    n++;
  }
  const alerts = new Map(
    (reader.db.prepare('SELECT id, doc FROM alerts').all() as { id: string; doc: string }[]).map((r) => [
      r.id,
      JSON.parse(r.doc) as Alert,
    ]),
  );
  const chainsOf = (alertId: string): string[] => [
    ...new Set((alerts.get(alertId)?.eventIds ?? []).flatMap((e) => chainOfEvent.get(e) ?? [])),
  ];
  const incidents = stage.incidents.list(ctx, { statuses: [...INCIDENT_STATUSES], limit: 1000 }).items;
  const rows = incidents
    .filter((i) => i.status !== 'merged')
    .map((i) => {
      const byChain = new Map<string, number>();
      for (const a of stage.incidents.alerts(ctx, i.id))
        for (const c of chainsOf(a.id)) byChain.set(c, (byChain.get(c) ?? 0) + 1);
      return { incident: i, byChain };
    });
  const perChain = new Map<string, Map<string, number>>();
  for (const r of rows) {
    for (const [c, k] of r.byChain) {
      const m = perChain.get(c) ?? new Map<string, number>();
      m.set(r.incident.id, k);
      perChain.set(c, m);
    }
  }
  reader.close();
  db.close();
  return { truth, rows, perChain, alerts: alerts.size };
}

describe.each([
  [1, 0],
  [7, 2],
])('demo → detection → incidents (seed %i, %i parse workers)', (seed, workers) => {
  it('covers each chain with one incident, mixes no chains, keeps benign background low', async () => {
    const { truth, rows, perChain, alerts } = await run(seed, workers);
    // The demo is not trivial: its chains overlap in time and share hosts.
    expect(truth.chains.length).toBe(3);
    const [a, b] = truth.chains;
    expect(a && b && a.end > b.start && b.end > a.start).toBe(true);
    expect(truth.chains.some((c) => c !== a && c.hosts.some((h) => a?.hosts.includes(h)))).toBe(true);
    const figures: Record<string, unknown> = { seed, workers, alerts, incidents: rows.length };
    for (const chain of truth.chains) {
      const holders = perChain.get(chain.id);
      expect(holders, `${chain.id} has alerts`).toBeDefined();
      const counts = [...(holders ?? new Map<string, number>()).values()].sort((x, y) => y - x);
      const total = counts.reduce((x, y) => x + y, 0);
      const best = counts[0] ?? 0;
      // Exactly one incident covers the chain: it holds at least 90% of the chain's alerts.
      expect(best / total, `${chain.id}: ${counts.join(', ')}`).toBeGreaterThanOrEqual(0.9);
      expect(counts.filter((k) => k / total >= 0.5)).toHaveLength(1);
      figures[chain.id] = {
        alerts: total,
        incidents: counts.length,
        coverage: Math.round((best / total) * 1000) / 1000,
      };
    }
    for (const r of rows) {
      // No incident mixes two chains.
      expect([...r.byChain.keys()].length, r.incident.title).toBeLessThanOrEqual(1);
      // Benign background produces no incident above low severity.
      if (r.byChain.size === 0) expect(['informational', 'low'], r.incident.title).toContain(r.incident.severity);
      // Every incident has an RSIT class and type.
      expect(rsitType(r.incident.rsit.class, r.incident.rsit.type), r.incident.title).toBeDefined();
    }
    figures['benignIncidents'] = rows.filter((r) => r.byChain.size === 0).length;
    console.info(`incident bar ${JSON.stringify(figures)}`);
  });
});
