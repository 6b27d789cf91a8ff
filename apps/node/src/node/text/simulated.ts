/**
 * @module
 * Labelled alerts and incidents from the simulator, through the node's real pipeline: one
 * simulated day per seed is ingested with Sigma detection, the incident stage builds incidents
 * from the committed alerts, and the ground truth labels them. An alert is real when it was
 * raised on an event of an attack chain (the chains' event ids as `demo --truth` reads them
 * back). An incident's category is its chain's (each story's RSIT type, decided from its
 * description: all three stories end in data sent out, so `data-leak`), its tactic the furthest
 * ATT&CK tactic of the chain's techniques that the incident claims; an incident of benign
 * alerts only is `other/undetermined` (what a false positive is in RSIT terms) with no tactic.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigSchema, systemContext, type Alert } from '@intersoc/core';
import {
  INCIDENT_STATUSES,
  RulesClassifier,
  tacticRank,
  type ClassificationInput,
  type IncidentClassifier,
  type RsitClassification,
} from '@intersoc/correlate';
import { scenarioKind, techniqueById, type SimTruth } from '@intersoc/simulate';
import { EVENTS_DB_FILE, NODE_DB_FILE, openDatabase, openEventReader } from '@intersoc/storage';
import type { LabelledAlert, LabelledIncident } from '@intersoc/text';
import { createHydrator } from '../../pipeline/hydrator.js';
import { runDemo } from '../demo.js';
import { ChainRecords, demoTruth } from '../demo-truth.js';
import { estateAssets } from '../incidents/estate.js';
import { IncidentStage } from '../incidents/stage.js';
import { startPipeline } from '../start-pipeline.js';

/** RSIT category of each simulated story, from its description (see the simulator's README). */
export const STORY_CATEGORY: Readonly<Record<string, string>> = {
  'rdp-intrusion': 'information-content-security/data-leak',
  'phishing-beacon': 'information-content-security/data-leak',
  'ssh-intrusion': 'information-content-security/data-leak',
};

/** A simulated, labelled day. */
export interface SimulatedDay {
  readonly seed: number;
  readonly alerts: readonly LabelledAlert[];
  readonly incidents: readonly LabelledIncident[];
  readonly chains: number;
}

/** Remembers the input of every classification (the builder's own, exactly). */
class Recorder implements IncidentClassifier {
  readonly id = 'rules/2';
  private readonly table = new RulesClassifier();
  readonly inputs = new WeakMap<RsitClassification, ClassificationInput>();
  classify(input: ClassificationInput): RsitClassification {
    const r = { ...this.table.classify(input) };
    this.inputs.set(r, input);
    return r;
  }
}

/** Runs one simulated day of `seed` through the pipeline and labels its alerts and incidents. */
export async function simulatedDay(
  seed: number,
  o: { readonly hours?: number; readonly end?: number; readonly log?: (line: string) => void } = {},
): Promise<SimulatedDay> {
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-sim-'));
  const tenant = 'default';
  const ctx = systemContext(tenant);
  const db = openDatabase(path.join(dir, NODE_DB_FILE));
  const reader = openEventReader(path.join(dir, EVENTS_DB_FILE), createHydrator());
  const recorder = new Recorder();
  const inputs = new Map<string, ClassificationInput>();
  const stage = new IncidentStage({
    db,
    reader,
    classifier: recorder,
    onChanges: (c) => {
      for (const i of c.incidents) {
        const input = recorder.inputs.get(i.rsit);
        if (input) inputs.set(i.id, input);
      }
    },
  });
  try {
    const pipeline = await startPipeline(ConfigSchema.parse({ data: dir }), {
      workers: 1,
      detectors: ['sigma'],
      idleFlushMs: 100,
    });
    const records = new ChainRecords();
    let sim: SimTruth = { chains: [] };
    let window = { start: 0, end: 0 };
    try {
      window = await runDemo(pipeline, {
        tenant,
        hours: o.hours ?? 24,
        seed,
        end: o.end ?? Date.UTC(2025, 2, 5, 6 + ((seed * 7) % 18)),
        onEstate: (estate) => stage.assets.upsert(ctx, estateAssets(estate)),
        onRecord: (r) => records.see(r),
        onTruth: (t) => {
          sim = t;
        },
      });
    } finally {
      await pipeline.close();
    }
    stage.catchUp();
    const truth = demoTruth(sim, records, reader, tenant, window.start, window.end);
    const chainOfEvent = new Map<string, string>();
    for (const c of truth.chains) for (const e of c.events) chainOfEvent.set(e, c.id);
    const chainOf = (a: { eventIds: readonly string[] }): string | undefined =>
      a.eventIds.map((e) => chainOfEvent.get(e)).find((c) => c !== undefined);
    const alerts = (
      reader.db.prepare('SELECT doc FROM alerts WHERE tenant = ? ORDER BY time, id').all(tenant) as { doc: string }[]
    ).map((r) => JSON.parse(r.doc) as Alert);
    const labelledAlerts: LabelledAlert[] = alerts.map((a) => ({ alert: a, label: chainOf(a) ? 1 : 0 }));
    const incidents: LabelledIncident[] = [];
    for (const inc of stage.incidents.list(ctx, { statuses: [...INCIDENT_STATUSES], limit: 10_000 }).items) {
      if (inc.status === 'merged') continue;
      const input = inputs.get(inc.id);
      if (!input) continue;
      const chains = new Map<string, number>();
      for (const a of stage.incidents.alerts(ctx, inc.id)) {
        const c = chainOf(a);
        if (c) chains.set(c, (chains.get(c) ?? 0) + 1);
      }
      const main = [...chains].sort((x, y) => y[1] - x[1])[0]?.[0];
      const chain = truth.chains.find((c) => c.id === main);
      const category = main ? (STORY_CATEGORY[scenarioKind(main)] ?? 'other/other') : 'other/undetermined';
      let tactic = 'none';
      if (chain) {
        const claimed = chain.techniques.filter((t) => inc.techniques.includes(t));
        const tactics = claimed.flatMap((t) => techniqueById(t)?.tactics ?? []);
        tactic = tactics.sort((x, y) => tacticRank(y) - tacticRank(x))[0] ?? 'none';
      }
      incidents.push({ input, category, tactic, group: `seed-${seed}` });
    }
    o.log?.(
      `seed ${seed}: ${alerts.length} alerts (${labelledAlerts.filter((a) => a.label === 1).length} on attack chains), ${incidents.length} incidents, ${truth.chains.length} chains`,
    );
    return { seed, alerts: labelledAlerts, incidents, chains: truth.chains.length };
  } finally {
    reader.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
