import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema, systemContext, type Alert } from '@intersoc/core';
import { EVENTS_DB_FILE, NODE_DB_FILE, openDatabase, openEventReader, type SqliteEventReader } from '@intersoc/storage';
import type { SqliteDb } from '@intersoc/storage';
import { createHydrator } from '../../pipeline/hydrator.js';
import { ingestFiles } from '../ingest-files.js';
import { startPipeline } from '../start-pipeline.js';
import { LiveSeries } from './live-series.js';
import { deployModel, trainAndStore } from './ml-ops.js';
import { startMlMonitor } from './monitor.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-ml-monitor-'));
const data = path.join(dir, 'data');
const START = Date.UTC(2017, 6, 5, 10, 0, 0);
const MINUTE = 60_000;
const HEADER =
  'Flow ID,Src IP,Src Port,Dst IP,Dst Port,Protocol,Timestamp,Flow Duration,Total Fwd Packet,Total Length of Fwd Packet,Label';

const stamp = (t: number): string => new Date(t).toISOString().replace('T', ' ').slice(0, 19);

/** CIC-IDS-style flows, one a second; `scale` stretches durations and packet counts (a changed network). */
function flows(file: string, rows: number, offset: number, scale = 1): void {
  const lines = [HEADER];
  for (let j = 0; j < rows; j++) {
    const i = j + offset;
    const isDos = i % 4 === 0;
    const duration = (isDos ? 5_000_000 + (i % 97) * 1000 : 1000 + ((i * 7919) % 900_000)) * scale;
    const packets = Math.round((isDos ? 200 + (i % 50) : 2 + (i % 40)) * scale);
    lines.push(
      `f${i},10.0.${i % 7}.${1 + (i % 200)},${40000 + (i % 20000)},192.168.10.50,${[80, 443, 53][i % 3]},6,${stamp(START + j * 1000)},${duration},${packets},${packets * 60},${isDos ? 'DoS' : 'BENIGN'}`,
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/**
 * 90 minutes of one host's flows: 6, 7, 8, 6, 7, 8 … flows a minute of 1,000 bytes each, except
 * minute 80, when it sends 60 flows of 50,000 bytes (an exfiltration-like burst).
 */
function steady(file: string): void {
  const lines = [HEADER];
  let n = 0;
  for (let m = 0; m < 90; m++) {
    const burst = m === 80;
    const count = burst ? 60 : 6 + (m % 3);
    for (let k = 0; k < count; k++) {
      const t = START + m * MINUTE + Math.floor((k * 59_000) / count);
      lines.push(
        `g${n++},10.0.0.1,${40000 + k},192.168.10.9,443,6,${stamp(t)},1000,10,${burst ? 50_000 : 1000},BENIGN`,
      );
    }
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

let db: SqliteDb;
let reader: SqliteEventReader;

beforeAll(async () => {
  const train = path.join(dir, 'train.csv');
  const same = path.join(dir, 'same.csv');
  const shifted = path.join(dir, 'shifted.csv');
  const live = path.join(dir, 'live.csv');
  flows(train, 2000, 0);
  flows(same, 600, 50_000);
  flows(shifted, 600, 50_000, 40);
  steady(live);
  db = openDatabase(path.join(data, NODE_DB_FILE));
  for (const t of ['default', 'other']) {
    const c = systemContext(t);
    await trainAndStore(c, db, { name: 'flows', files: [train], format: 'cic-ids', algorithm: 'gbdt', rounds: 20 });
    deployModel(c, db, 'flows');
  }
  const pipeline = await startPipeline(ConfigSchema.parse({ data }), { workers: 0, detectors: [], idleFlushMs: 100 });
  try {
    await ingestFiles(pipeline, { files: [same], tenant: 'default', format: 'cic-flow' });
    await ingestFiles(pipeline, { files: [shifted], tenant: 'other', format: 'cic-flow' });
    await ingestFiles(pipeline, { files: [live], tenant: 'live', format: 'cic-flow' });
  } finally {
    await pipeline.close();
  }
  reader = openEventReader(path.join(data, EVENTS_DB_FILE), createHydrator());
}, 120_000);

afterAll(() => {
  reader.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function storedAlerts(ruleId: string): Alert[] {
  return (reader.db.prepare('SELECT doc FROM alerts WHERE rule_id = ?').all(ruleId) as { doc: string }[]).map(
    (r) => JSON.parse(r.doc) as Alert,
  );
}

describe('the ml watch', () => {
  it('warns, alerts and degrades health when a deployed model’s live flows drift (PSI ≥ 0.25), once a day', async () => {
    const published: Alert[] = [];
    const warnings: string[] = [];
    const m = startMlMonitor(
      {
        db,
        reader,
        tenants: () => Promise.resolve(['default', 'other']),
        onAlerts: (a) => published.push(...a),
        onWarning: (w) => warnings.push(`${w.tenant}: ${w.message}`),
        onError: (err) => {
          throw err;
        },
      },
      { driftMinutes: 0, driftHours: 2, live: false },
    );
    try {
      expect(m.health().status).toBe('ok');
      const now = START + 3_600_000;
      const r = await m.checkDrift(now);
      expect(r.checked).toBe(2);
      // Like flows stay quiet; the stretched copy (the fabricated shift) warns, naming features and PSI.
      expect(r.warnings.map((w) => w.tenant)).toEqual(['other']);
      const w = r.warnings[0];
      expect(w?.features.every((f) => f.psi >= 0.25)).toBe(true);
      expect(w?.features.map((f) => f.feature)).toEqual(expect.arrayContaining(['Flow Duration', 'Total Fwd Packet']));
      expect(w?.message).toMatch(/model flows v1: input drift, PSI \d+\.\d+ ≥ 0\.25 .*Flow Duration \d/);
      expect(warnings).toHaveLength(1);
      console.log(warnings[0]);
      expect(m.health()).toMatchObject({ status: 'degraded' });
      expect(m.health().detail).toContain('model flows v1');
      const stored = storedAlerts('ml-drift:flows');
      expect(stored.map((a) => a.tenant)).toEqual(['other']);
      expect(stored[0]?.details?.['maxPsi']).toBe(w?.drift.maxPsi);
      expect(published.map((a) => a.id)).toEqual(stored.map((a) => a.id));
      // The next check of the same day warns again but raises no second alert.
      await m.checkDrift(now + MINUTE);
      expect(storedAlerts('ml-drift:flows')).toHaveLength(1);
      expect(published).toHaveLength(1);
    } finally {
      m.close();
    }
  });

  it('raises anomaly alerts on the node’s own series (events per source, bytes per host) and survives a restart', async () => {
    const o = { bucketMs: MINUTE, probation: 50, graceMs: 0 };
    // First life: minutes 0–69 (the series learn during the first 50).
    const first = new LiveSeries(db, reader, o);
    expect(await first.run('live', START + MINUTE)).toEqual([]);
    expect(await first.run('live', START + 70 * MINUTE)).toEqual([]);
    expect(first.names('live')).toEqual([`bytes:10.0.0.1`, `events:cic-flow@${path.join(dir, 'live.csv')}`]);
    // Restart: a new instance over the same database continues at minute 70.
    const second = new LiveSeries(db, reader, o);
    const found = await second.run('live', START + 90 * MINUTE);
    expect(found.map((a) => `${a.series.split(':')[0]}@${(a.from - START) / MINUTE}`).sort()).toEqual([
      'bytes@80',
      'events@80',
    ]);
    const bytes = found.find((a) => a.series === 'bytes:10.0.0.1');
    expect(bytes?.value).toBe(60 * 50_000);
    expect(bytes?.score).toBeGreaterThanOrEqual(0.75);
    // What it expected after a minute of 7 flows: about 6–8 flows' worth of bytes, not 3 MB.
    expect(bytes?.expected?.high).toBeLessThan(20_000);
    expect(bytes?.expected?.low).toBeGreaterThan(1000);
    expect(bytes?.alert.summary).toMatch(/^bytes from 10\.0\.0\.1: 3000000 in 1 min, expected \d+(\.\d+)?–\d+/);
    console.log(found.map((a) => a.alert.summary).join('\n'));
    expect(bytes?.alert.entities).toEqual([{ type: 'ip', value: '10.0.0.1', role: 'source' }]);
    // Read up to date: nothing is read twice.
    expect(await second.run('live', START + 90 * MINUTE)).toEqual([]);
    // Other tenants' series are their own.
    expect(second.names('default')).toEqual([]);
  });
});
