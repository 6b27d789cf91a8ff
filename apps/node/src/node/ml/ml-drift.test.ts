import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ConfigSchema, systemContext } from '@intersoc/core';
import { EVENTS_DB_FILE, NODE_DB_FILE, openDatabase, openEventReader } from '@intersoc/storage';
import { createHydrator } from '../../pipeline/hydrator.js';
import { ingestFiles } from '../ingest-files.js';
import { startPipeline } from '../start-pipeline.js';
import { modelDrift } from './ml-drift.js';
import { deployModel, trainAndStore } from './ml-ops.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-ml-drift-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const START = Date.UTC(2017, 6, 5, 10, 0, 0);

/** CIC-IDS-style flows; `scale` stretches durations and packet counts (a changed network). */
function flows(file: string, rows: number, offset: number, scale = 1): void {
  const lines = ['Flow ID,Src IP,Src Port,Dst IP,Dst Port,Protocol,Timestamp,Flow Duration,Total Fwd Packet,Label'];
  for (let j = 0; j < rows; j++) {
    const i = j + offset;
    const isDos = i % 4 === 0;
    const duration = (isDos ? 5_000_000 + (i % 97) * 1000 : 1000 + ((i * 7919) % 900_000)) * scale;
    const packets = Math.round((isDos ? 200 + (i % 50) : 2 + (i % 40)) * scale);
    const ts = new Date(START + j * 1000).toISOString().replace('T', ' ').slice(0, 19);
    lines.push(
      `f${i},10.0.${i % 7}.${1 + (i % 200)},${40000 + (i % 20000)},192.168.10.50,${[80, 443, 53][i % 3]},6,${ts},${duration},${packets},${isDos ? 'DoS' : 'BENIGN'}`,
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

it('measures input drift (PSI) of a deployed model on the events it reads: stable on like data, drifted on a changed network', async () => {
  const data = path.join(dir, 'data');
  const train = path.join(dir, 'train.csv');
  const same = path.join(dir, 'same.csv');
  const shifted = path.join(dir, 'shifted.csv');
  flows(train, 2000, 0);
  flows(same, 600, 50_000);
  flows(shifted, 600, 50_000, 40);
  const ctx = systemContext('default');
  const other = systemContext('other');
  const db = openDatabase(path.join(data, NODE_DB_FILE));
  for (const c of [ctx, other]) {
    await trainAndStore(c, db, { name: 'flows', files: [train], format: 'cic-ids', algorithm: 'gbdt', rounds: 20 });
    deployModel(c, db, 'flows');
  }
  const pipeline = await startPipeline(ConfigSchema.parse({ data }), { workers: 0, detectors: [], idleFlushMs: 100 });
  try {
    await ingestFiles(pipeline, { files: [same], tenant: 'default', format: 'cic-flow' });
    await ingestFiles(pipeline, { files: [shifted], tenant: 'other', format: 'cic-flow' });
  } finally {
    await pipeline.close();
  }
  const reader = openEventReader(path.join(data, EVENTS_DB_FILE), createHydrator());
  try {
    const now = START + 3_600_000;
    const stable = await modelDrift(ctx, db, reader, 'flows', { hours: 2, now });
    expect(stable.rows).toBe(600);
    expect(stable.status).toBe('stable');
    expect(stable.maxPsi).toBeLessThan(0.1);
    const moved = await modelDrift(other, db, reader, 'flows', { hours: 2, now });
    expect(moved.rows).toBe(600);
    expect(moved.status).toBe('drifted');
    expect(moved.maxPsi).toBeGreaterThan(0.25);
    expect(['Flow Duration', 'Total Fwd Packet']).toContain(moved.features[0]?.feature);
    // A window without the tenant's flows says so rather than guessing.
    const empty = await modelDrift(ctx, db, reader, 'flows', { hours: 2, now: START - 86_400_000 });
    expect(empty).toMatchObject({ rows: 0, status: 'unknown' });
  } finally {
    reader.close();
    db.close();
  }
});
