/**
 * Host behaviour baselines end to end: real Sysmon and Security events (OTRF Security-Datasets, the
 * lab's September 2020 captures in time order) through the pipeline's parse thread and the
 * baseline stage on the writer thread; anomaly alerts with their explanation; another tenant's
 * copy learns nothing from them; a restart keeps the state; erasure of a user removes its rows.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigSchema, systemContext, type Alert } from '@intersoc/core';
import { BASELINES_DB_FILE } from '@intersoc/learn';
import { EVENTS_DB_FILE, openDatabase, openEventReader } from '@intersoc/storage';
import { ingestFiles } from '../node/ingest-files.js';
import { startPipeline } from '../node/start-pipeline.js';
import { createHydrator } from './hydrator.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpora = process.env['INTERSOC_CORPORA'] ?? path.resolve(repo, '../shared/corpora');
const manifest = path.join(corpora, 'mordor', 'manifest.jsonl');

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Windows captures of the lab from 20 to 22 September 2020, oldest first. */
function captures(from: string, to: string): string[] {
  const rows = readFileSync(manifest, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { file: string; time_min?: string | null });
  return rows
    .filter((r) => r.file.startsWith('windows/') && r.time_min && r.time_min >= from && r.time_min < to)
    .sort((a, b) => String(a.time_min).localeCompare(String(b.time_min)))
    .map((r) => path.join(corpora, 'mordor', r.file));
}

function baselineAlerts(data: string, tenant: string): Alert[] {
  const reader = openEventReader(path.join(data, EVENTS_DB_FILE), createHydrator());
  try {
    return reader
      .searchAlerts(systemContext(tenant), { q: '', limit: 10_000 })
      .items.filter((a) => a.detector.kind === 'baseline');
  } finally {
    reader.close();
  }
}

describe.skipIf(!existsSync(manifest))(
  'host behaviour baselines on Security-Datasets captures',
  { tags: ['corpus'] },
  () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-baselines-e2e-'));
    dirs.push(dir);
    const data = path.join(dir, 'data');
    // The captures span two days, not weeks: a day of history and 20 observations warm a host up.
    const config = ConfigSchema.parse({ data, baselines: { warmupDays: 1, warmupObservations: 20 } });
    const files = captures('2020-09-20', '2020-09-22T02');
    // The local-account discovery captures of the evening of the 21st (`net localgroup`, `net user`, SAMR).
    const later = captures('2020-09-21T23', '2020-09-22T02');
    const earlier = files.filter((f) => !later.includes(f));

    it('raises explained anomaly alerts once a host or user has history, and only from the tenant’s own data', async () => {
      expect(earlier.length).toBeGreaterThan(5);
      expect(later.length).toBeGreaterThan(0);
      const pipeline = await startPipeline(config, { workers: 1, idleFlushMs: 100 });
      try {
        // One capture at a time, in time order, as a node would have received them.
        for (const f of earlier) await ingestFiles(pipeline, { files: [f], tenant: 'lab' });
        // Another tenant receives the first discovery capture before the lab does: were the lab's
        // history shared, its hosts would be warm and the capture's new pairs would alert there too.
        await ingestFiles(pipeline, { files: [later[0] as string], tenant: 'other' });
        for (const f of later) await ingestFiles(pipeline, { files: [f], tenant: 'lab' });
      } finally {
        await pipeline.close();
      }
      const alerts = baselineAlerts(data, 'lab');
      const byRule = new Map<string, number>();
      for (const a of alerts) byRule.set(a.detector.ruleId, (byRule.get(a.detector.ruleId) ?? 0) + 1);
      console.info(
        `baseline alerts on ${files.length} captures: ${alerts.length} ${JSON.stringify(Object.fromEntries(byRule))}`,
      );
      for (const a of alerts.slice(0, 5)) console.info(`  ${a.summary}`);
      expect(byRule.get('baseline:process-pair') ?? 0).toBeGreaterThan(0);
      // These two days hold few logons of people (most are machine accounts): logons are in the unit tests.
      const pair = alerts.find((a) => a.detector.ruleId === 'baseline:process-pair') as Alert;
      expect(pair.summary).toMatch(
        /^first time in \d+ days? that \S.* started \S.* on \S+ \(.*of history since 2020-09-\d\d: \d+ process starts, \d+ distinct/,
      );
      const history = (pair.details as { baseline: { history: { observations: number } } }).baseline.history;
      expect(history.observations).toBeGreaterThanOrEqual(20);
      expect(pair.entities.some((e) => e.type === 'host')).toBe(true);
      // Every alert opens its event.
      const reader = openEventReader(path.join(data, EVENTS_DB_FILE), createHydrator());
      try {
        const ids = pair.eventIds;
        const found = reader.getEvent(systemContext('lab'), ids[0] as string);
        expect(found?.id).toBe(ids[0]);
      } finally {
        reader.close();
      }
      expect(baselineAlerts(data, 'other')).toEqual([]);
    });

    it('keeps the baselines across a restart: the same capture again raises nothing new', async () => {
      const before = baselineAlerts(data, 'lab').length;
      const pipeline = await startPipeline(config, { workers: 0, idleFlushMs: 100 });
      try {
        await ingestFiles(pipeline, { files: [files.at(-2) as string], tenant: 'lab' });
      } finally {
        await pipeline.close();
      }
      expect(baselineAlerts(data, 'lab').length).toBe(before);
    });

    it('erases a user’s baseline rows with the subject, and keeps everyone else’s', async () => {
      const file = path.join(data, BASELINES_DB_FILE);
      const count = (sql: string): number => {
        const db = openDatabase(file, { readonly: true });
        try {
          return (db.prepare(sql).get() as { n: number }).n;
        } finally {
          db.close();
        }
      };
      const mentions =
        "SELECT (SELECT count(*) FROM baseline_entities WHERE tenant = 'lab' AND entity = 'pgustavo') + (SELECT count(*) FROM baseline_rates WHERE tenant = 'lab' AND entity = 'pgustavo') AS n";
      expect(count(mentions)).toBeGreaterThan(0);
      const others = count('SELECT count(*) AS n FROM baseline_entities');
      const otherTenant =
        "SELECT (SELECT count(*) FROM baseline_entities WHERE tenant = 'other') + (SELECT count(*) FROM baseline_items WHERE tenant = 'other') + (SELECT count(*) FROM baseline_rates WHERE tenant = 'other') AS n";
      const otherBefore = count(otherTenant);
      expect(otherBefore).toBeGreaterThan(0);
      const pipeline = await startPipeline(config, { workers: 1, idleFlushMs: 100 });
      let rows: number;
      try {
        rows = await pipeline.eraseBaselines({
          tenant: 'lab',
          subject: { kind: 'user', value: 'pgustavo' },
          keepEvents: [],
          keepAlerts: [],
        });
      } finally {
        await pipeline.close();
      }
      expect(rows).toBeGreaterThan(0);
      expect(count(mentions)).toBe(0);
      // The other tenant's baselines are its own: an erasure for `lab` leaves them.
      expect(count(otherTenant)).toBe(otherBefore);
      expect(
        count(
          "SELECT count(*) AS n FROM baseline_items WHERE tenant = 'lab' AND (item LIKE '%pgustavo%' OR label LIKE '%pgustavo%')",
        ),
      ).toBe(0);
      expect(count('SELECT count(*) AS n FROM baseline_entities')).toBeGreaterThan(0);
      expect(count('SELECT count(*) AS n FROM baseline_entities')).toBeLessThan(others);
    });
  },
);
