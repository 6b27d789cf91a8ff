import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemContext, type Alert } from '@intersoc/core';
import { openDatabase, openEventReader, SqliteAlertTriage } from '@intersoc/storage';
import { createHydrator } from '../../pipeline/hydrator.js';
import { dispositions, learnFromDispositions, rankTenantAlerts } from './ranking.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-ranking-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ctx = systemContext('acme');

/** Background rules on many hosts, and chains of rules piling up on one host with an external address. */
function alerts(): { alert: Alert; real: boolean }[] {
  const out: { alert: Alert; real: boolean }[] = [];
  const t0 = Date.UTC(2025, 2, 4);
  const base = (id: string, time: number): Alert => ({
    id,
    tenant: 'acme',
    created: time,
    time,
    detector: { kind: 'sigma', ruleId: 'bg', ruleTitle: 'Background' },
    severity: 'high',
    tactics: ['discovery'],
    techniques: [],
    entities: [],
    eventIds: [],
    summary: 'net user',
  });
  for (let i = 0; i < 120; i++)
    out.push({
      real: false,
      alert: {
        ...base(`bg-${i}`, t0 + i * 600_000),
        detector: { kind: 'sigma', ruleId: `bg-${i % 3}`, ruleTitle: `Admin tool ${i % 3}` },
        entities: [
          { type: 'host', value: `WKS-${i % 17}` },
          { type: 'user', value: 'CORP\\adm-it' },
        ],
      },
    });
  for (let c = 0; c < 8; c++)
    for (let k = 0; k < 6; k++)
      out.push({
        real: true,
        alert: {
          ...base(`atk-${c}-${k}`, t0 + c * 9_000_000 + k * 240_000),
          detector: { kind: 'sigma', ruleId: `atk-${k}`, ruleTitle: `Attack step ${k}` },
          severity: 'medium',
          tactics: [['execution', 'persistence', 'credential-access'][k % 3] as string],
          entities: [
            { type: 'host', value: `SRV-${c}` },
            { type: 'process', value: 'C:\\Users\\bob\\AppData\\Local\\Temp\\x.exe' },
            { type: 'ip', value: '203.0.113.50', role: 'destination' },
          ],
          summary: 'x.exe beacon',
        },
      });
  return out.sort((a, b) => a.alert.time - b.alert.time);
}

describe('learning the triage ranking from dispositions', () => {
  it('reads dispositions, trains, compares on the newest ones, and ranks with the tenant’s model when it won', () => {
    const db = openDatabase(path.join(dir, 'intersoc.db'));
    const reader = openEventReader(path.join(dir, 'events.db'), createHydrator());
    try {
      const put = reader.db.prepare(
        'INSERT INTO alerts (id, tenant, time, created, severity, rule_id, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      const all = alerts();
      for (const { alert: a } of all)
        put.run(a.id, a.tenant, a.time, a.created, a.severity, a.detector.ruleId, JSON.stringify(a));
      const triage = new SqliteAlertTriage(reader.db);
      const stores = { db, events: reader.db, data: dir };
      expect(() => learnFromDispositions(ctx, stores)).toThrow(/at least 20/);
      // Analysts closed most of the background as false positives and resolved the chains; a few stay open.
      triage.setStatus(
        ctx,
        all
          .filter((x) => !x.real)
          .slice(0, 100)
          .map((x) => x.alert.id),
        { status: 'closed', reason: 'False positive' },
      );
      triage.setStatus(
        ctx,
        all
          .filter((x) => x.real)
          .slice(0, 40)
          .map((x) => x.alert.id),
        { status: 'closed', reason: 'Resolved: contained and remediated' },
      );
      triage.setStatus(ctx, [all.filter((x) => !x.real)[100]?.alert.id ?? ''], {
        status: 'acknowledged',
        reason: 'Duplicate of another alert',
      });
      const labelled = dispositions(ctx, reader.db);
      expect(labelled).toHaveLength(140);
      expect(labelled.filter((l) => l.label === 1)).toHaveLength(40);
      const r = learnFromDispositions(ctx, stores);
      expect(r.dispositions).toEqual({ training: 98, heldOut: 42, real: 40 });
      expect(r.promoted).toBe(r.candidate.heldOut.auc > r.current.heldOut.auc);
      expect(r.candidate.heldOut.auc).toBeGreaterThan(0.9);
      expect(existsSync(path.join(dir, r.file))).toBe(true);
      const ranked = rankTenantAlerts(ctx, stores, { limit: 10 });
      expect(ranked.trained).toBe(r.promoted);
      // The open alerts, best first: chain steps before background.
      expect(ranked.items.every((i) => i.status === 'new')).toBe(true);
      expect(ranked.items[0]?.alert.id.startsWith('atk-')).toBe(true);
      expect(rankTenantAlerts(systemContext('globex'), stores, { limit: 10 }).items).toEqual([]);
    } finally {
      reader.close();
      db.close();
    }
  });
});
