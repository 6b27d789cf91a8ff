import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ConfigSchema, systemContext } from '@intersoc/core';
import { EVENTS_DB_FILE, NODE_DB_FILE, openDatabase, openEventReader } from '@intersoc/storage';
import { ingestFiles } from '../node/ingest-files.js';
import { deployModel, trainAndStore } from '../node/ml/ml-ops.js';
import { startPipeline } from '../node/start-pipeline.js';
import { createHydrator } from './hydrator.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** CIC-IDS-style flow CSV: every 4th flow a DoS (long, many forward packets). */
function flows(file: string, rows: number, offset: number): number {
  const lines = ['Flow ID,Src IP,Src Port,Dst IP,Dst Port,Protocol,Timestamp,Flow Duration,Total Fwd Packet,Label'];
  let dos = 0;
  for (let j = 0; j < rows; j++) {
    const i = j + offset;
    const isDos = i % 4 === 0;
    if (isDos) dos++;
    const duration = isDos ? 5_000_000 + (i % 97) * 1000 : 1000 + ((i * 7919) % 900_000);
    const packets = isDos ? 200 + (i % 50) : 2 + (i % 40);
    const ts = new Date(Date.UTC(2017, 6, 5, 10, 0, 0) + i * 1000).toISOString().replace('T', ' ').slice(0, 19);
    lines.push(
      `f${i},10.0.${i % 7}.${1 + (i % 200)},${40000 + (i % 20000)},192.168.10.50,${[80, 443, 53][i % 3]},6,${ts},${duration},${packets},${isDos ? 'DoS' : 'BENIGN'}`,
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return dos;
}

it('a deployed model scores the tenant’s ingested CIC flows in the pipeline, with explained alerts', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-ml-pipe-'));
  dirs.push(dir);
  const data = path.join(dir, 'data');
  const train = path.join(dir, 'train.csv');
  const test = path.join(dir, 'test.csv');
  flows(train, 2000, 0);
  const dos = flows(test, 400, 100_000);
  const ctx = systemContext('default');
  const db = openDatabase(path.join(data, NODE_DB_FILE));
  const t = await trainAndStore(ctx, db, {
    name: 'flows',
    files: [train],
    format: 'cic-ids',
    algorithm: 'gbdt',
    rounds: 30,
  });
  deployModel(ctx, db, 'flows');
  db.close();

  const pipeline = await startPipeline(ConfigSchema.parse({ data }), {
    workers: 0,
    detectors: ['ml'],
    idleFlushMs: 100,
  });
  try {
    await ingestFiles(pipeline, { files: [test], tenant: 'default', format: 'cic-flow' });
    await ingestFiles(pipeline, { files: [test], tenant: 'other', format: 'cic-flow' });
  } finally {
    await pipeline.close();
  }
  const reader = openEventReader(path.join(data, EVENTS_DB_FILE), createHydrator());
  const mine = reader.searchAlerts(ctx, { q: '', limit: 10_000 }).items;
  const theirs = reader.searchAlerts(systemContext('other'), { q: '', limit: 10_000 }).items;
  reader.close();
  // Every DoS flow is flagged; at most 1% of the 300 benign ones (the threshold's budget) are.
  const ml = mine.filter((a) => a.detector.kind === 'ml');
  expect(ml.length).toBeGreaterThanOrEqual(dos);
  expect(ml.length).toBeLessThanOrEqual(dos + 3);
  const a = ml[0];
  expect(a?.detector.ruleId).toBe('ml:flows');
  expect(a?.detector.ruleVersion).toBe(String(t.version));
  const d = a?.details as { score: number; threshold: number; model: { name: string }; features: unknown[] };
  expect(d.score).toBeGreaterThanOrEqual(d.threshold);
  expect(d.threshold).toBe(t.threshold);
  expect(d.features.length).toBeGreaterThan(0);
  expect(a?.entities.some((e) => e.role === 'source' && e.type === 'ip')).toBe(true);
  // The other tenant deployed nothing: its copy of the flows raises no model alert.
  expect(theirs.filter((x) => x.detector.kind === 'ml')).toEqual([]);
});
