import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ConfigSchema, systemContext, type Alert } from '@intersoc/core';
import { feedbackHash } from '@intersoc/learn';
import { EVENTS_DB_FILE, NODE_DB_FILE, openDatabase, SqliteAlertTriage } from '@intersoc/storage';
import { ingestFiles } from '../ingest-files.js';
import { startPipeline } from '../start-pipeline.js';
import { withIncidents } from '../incidents/offline.js';
import { deployModel, listModels, trainAndStore } from './ml-ops.js';
import { retrainModel } from './ml-retrain.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/**
 * CIC-style flows: every 4th a DoS (long, many forward packets, to 192.168.10.50). With
 * `backups`, every 8th flow (offset 1) is a nightly rsync backup: as long and as busy as a DoS,
 * but to port 873 of another server, and benign. The training file has no backups, so the model
 * takes them for DoS: the false positives analysts will close.
 */
function flows(file: string, rows: number, offset: number, backups: boolean): void {
  const lines = ['Flow ID,Src IP,Src Port,Dst IP,Dst Port,Protocol,Timestamp,Flow Duration,Total Fwd Packet,Label'];
  for (let j = 0; j < rows; j++) {
    const i = j + offset;
    const isDos = i % 4 === 0;
    const isBackup = backups && i % 8 === 1;
    const long = isDos || isBackup;
    const duration = long ? 5_000_000 + (i % 97) * 1000 : 1000 + ((i * 7919) % 900_000);
    const packets = long ? 200 + (i % 50) : 2 + (i % 40);
    const port = isBackup ? 873 : [80, 443, 53][i % 3];
    const dst = isBackup ? '192.168.20.7' : '192.168.10.50';
    const ts = new Date(Date.UTC(2017, 6, 5, 10, 0, 0) + i * 1000).toISOString().replace('T', ' ').slice(0, 19);
    lines.push(
      `f${i},10.0.${i % 7}.${1 + (i % 200)},${40000 + (i % 20000)},${dst},${port},6,${ts},${duration},${packets},${isDos ? 'DoS' : 'BENIGN'}`,
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

it('verdicts on a model’s alerts retrain it: closed false positives stop alerting, lineage and both figures are kept', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-ml-retrain-'));
  dirs.push(dir);
  const data = path.join(dir, 'data');
  const train = path.join(dir, 'train.csv');
  const live = path.join(dir, 'live.csv');
  const check = path.join(dir, 'check.csv');
  flows(train, 2000, 0, false);
  flows(live, 480, 100_000, true);
  flows(check, 800, 300_000, true);
  const ctx = systemContext('default');
  const db = openDatabase(path.join(data, NODE_DB_FILE));
  try {
    const t = await trainAndStore(ctx, db, {
      name: 'flows',
      files: [train],
      format: 'cic-ids',
      algorithm: 'gbdt',
      rounds: 30,
    });
    deployModel(ctx, db, 'flows');

    const pipeline = await startPipeline(ConfigSchema.parse({ data }), {
      workers: 0,
      detectors: ['ml'],
      idleFlushMs: 100,
    });
    try {
      await ingestFiles(pipeline, { files: [live], tenant: 'default', format: 'cic-flow' });
    } finally {
      await pipeline.close();
    }
    const events = openDatabase(path.join(data, EVENTS_DB_FILE));
    try {
      // Nothing to learn from before any verdict.
      await expect(retrainModel(ctx, { db, events }, { name: 'flows' })).rejects.toThrow(/no verdicts/);

      const alerts = (
        events.prepare("SELECT doc FROM alerts WHERE rule_id = 'ml:flows'").all() as { doc: string }[]
      ).map((r) => JSON.parse(r.doc) as Alert);
      const portAt = 0; // Dst Port is the first feature (identifiers are not features)
      const vectorOf = (a: Alert): number[] => (a.details?.['vector'] as number[] | undefined) ?? [];
      expect(alerts.every((a) => vectorOf(a).length === 4)).toBe(true);
      const backups = alerts.filter((a) => vectorOf(a)[portAt] === 873);
      // The parent flags the backups (60 in the live file): the false positives to close.
      expect(backups.length).toBeGreaterThanOrEqual(50);
      const triage = new SqliteAlertTriage(events);
      triage.setStatus(
        ctx,
        backups.map((a) => a.id),
        { status: 'closed', reason: 'False positive' },
      );
      // A closure for another reason is not a verdict on the model.
      const dos = alerts.filter((a) => vectorOf(a)[portAt] !== 873);
      triage.setStatus(ctx, [dos[0]?.id ?? ''], { status: 'closed', reason: 'Duplicate of an open incident' });

      // True positives: a case over an incident of DoS alerts, resolved as true positive.
      const caseAlerts = withIncidents(ConfigSchema.parse({ data }), ({ stage, cases }) => {
        const incident = stage.incidents
          .list(ctx, {})
          .items.find((i) => stage.incidents.alerts(ctx, i.id).every((a) => !backups.some((b) => b.id === a.id)));
        expect(incident).toBeDefined();
        const c = cases.create(ctx, { incidents: [incident?.id ?? ''] });
        cases.transition(ctx, c.id, { status: 'in-progress' });
        cases.transition(ctx, c.id, { status: 'resolved', resolution: 'true-positive' });
        return cases.alertIdsOf(ctx, cases.require(ctx, c.id));
      });
      const tpRows = alerts.filter((a) => caseAlerts.includes(a.id)).length;
      expect(tpRows).toBeGreaterThan(0);

      const r = await retrainModel(ctx, { db, events }, { name: 'flows', evaluate: [check] });
      expect(r.parent).toBe(t.version);
      expect(r.version).toBe(t.version + 1);
      expect(r.added).toEqual({ falsePositives: backups.length, truePositives: tpRows, repeat: 1 });
      expect(r.sameBaseData).toBe(true);
      expect(r.baseDataHash).toBe(t.dataHash);
      expect(r.verdictsHash).toBe(
        feedbackHash([
          ...backups.map((a) => ({ alertId: a.id, outcome: 'false-positive' as const })),
          ...caseAlerts
            .filter((id) => alerts.some((a) => a.id === id))
            .map((id) => ({ alertId: id, outcome: 'true-positive' as const })),
        ]),
      );
      // The parent on the held-out rows it was validated on gives its stored figures again.
      const parent = listModels(ctx, db).find((m) => m.version === t.version);
      expect(r.validation.parent['accuracy']).toBe(
        (parent?.metrics['validation'] as Record<string, unknown>)['accuracy'],
      );
      // On other flows of the same mix, the backups stop alerting and DoS is still found.
      const before = r.evaluation?.parent['binary'] as { falsePositiveRate: number; detectionRate: number };
      const after = r.evaluation?.retrained['binary'] as { falsePositiveRate: number; detectionRate: number };
      expect(before.falsePositiveRate).toBeGreaterThan(0.15);
      expect(after.falsePositiveRate).toBeLessThan(0.02);
      expect(after.detectionRate).toBeGreaterThanOrEqual(0.99);
      expect(r.verdictRows.retrained.falsePositives).toBeLessThan(r.verdictRows.parent.falsePositives);

      // Lineage is kept with the version and listed.
      const child = listModels(ctx, db).find((m) => m.version === r.version);
      expect(child?.lineage?.['parent']).toBe(t.version);
      expect(child?.lineage?.['falsePositives']).toBe(backups.length);
      expect(child?.dataHash).toBe(r.dataHash);
      expect(child?.metrics['parentValidation']).toEqual(r.validation.parent);
      // Another tenant sees neither the model nor its verdicts.
      await expect(retrainModel(systemContext('other'), { db, events }, { name: 'flows' })).rejects.toThrow(
        /not found|no model/i,
      );
      console.log(
        `retrain: +${r.added.falsePositives} FP, +${r.added.truePositives} TP; check file FPR ${before.falsePositiveRate} → ${after.falsePositiveRate}, detection ${before.detectionRate} → ${after.detectionRate}`,
      );
    } finally {
      events.close();
    }
  } finally {
    db.close();
  }
}, 240_000);
