import { describe, expect, it } from 'vitest';
import type { Alert, Severity } from '@intersoc/core';
import { dispositionLabel, precisionAtN, rocAuc, TriageModel, type LabelledAlert } from './model.js';

/** A deterministic day: background rules firing everywhere, and attack chains whose alerts pile up on one host. */
function day(seed: number): LabelledAlert[] {
  let x = seed;
  const rnd = (): number => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const out: LabelledAlert[] = [];
  const t0 = Date.UTC(2025, 2, 4);
  const mk = (i: number, time: number, o: Partial<Alert>, label: 0 | 1): void => {
    out.push({
      label,
      alert: {
        id: `s${seed}-${i}`,
        tenant: 't',
        created: time,
        time,
        detector: { kind: 'sigma', ruleId: 'bg', ruleTitle: 'Background' },
        severity: 'medium',
        tactics: [],
        techniques: [],
        entities: [],
        eventIds: [],
        summary: '',
        ...o,
      },
    });
  };
  // Background: admin tools and updaters, often high severity, on any host.
  for (let i = 0; i < 300; i++) {
    const sev: Severity = rnd() < 0.4 ? 'high' : 'medium';
    mk(
      i,
      t0 + Math.floor(rnd() * 86_400_000),
      {
        detector: { kind: 'sigma', ruleId: `bg-${i % 4}`, ruleTitle: `Admin tool ${i % 4}` },
        severity: sev,
        tactics: ['discovery'],
        entities: [
          { type: 'host', value: `WKS-${Math.floor(rnd() * 30)}` },
          { type: 'user', value: `CORP\\adm-${i % 3}` },
        ],
        summary: 'net user /domain',
      },
      0,
    );
  }
  // Chains: several rules in a row on one host, a user-writable program, an external address.
  for (let c = 0; c < 6; c++) {
    const start = t0 + Math.floor(rnd() * 80_000_000);
    const host = `WKS-${Math.floor(rnd() * 30)}`;
    for (let k = 0; k < 8; k++)
      mk(
        1000 + c * 10 + k,
        start + k * 300_000,
        {
          detector: { kind: 'sigma', ruleId: `atk-${k}`, ruleTitle: `Attack step ${k}` },
          severity: k % 2 === 0 ? 'medium' : 'high',
          tactics: [['execution', 'persistence', 'credential-access', 'command-and-control'][k % 4] as string],
          entities: [
            { type: 'host', value: host },
            { type: 'process', value: 'C:\\Users\\bob\\AppData\\Roaming\\svc.exe' },
            { type: 'ip', value: '203.0.113.9', role: 'destination' },
          ],
          summary: 'svc.exe beacon',
        },
        1,
      );
  }
  return out;
}

describe('ranking figures', () => {
  it('computes ROC AUC with ties counted half, and precision at N', () => {
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0])).toBe(0);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toBe(0.5);
    expect(rocAuc([3, 2, 2, 1], [1, 1, 0, 0])).toBe(0.875);
    expect(precisionAtN([3, 2, 2, 1], [1, 1, 0, 0], 2)).toBe(0.75);
  });
});

describe('the triage model', () => {
  it('ranks a held-out day better than sorting by rule level, and explains its scores', () => {
    const model = TriageModel.train([day(1), day(2)], 'test');
    const f = model.evaluate(day(3));
    expect(f.positives).toBe(48);
    expect(f.auc).toBeGreaterThan(0.95);
    expect(f.auc).toBeGreaterThan(f.baselineAuc);
    const back = TriageModel.load(model.serialise());
    const held = day(3);
    expect(back.scoreStream(held.map((h) => h.alert))).toEqual(model.scoreStream(held.map((h) => h.alert)));
    const chainAlert = held.findIndex((h) => h.label === 1 && h.alert.detector.ruleId === 'atk-7');
    const s = model.scoreStream(held.map((h) => h.alert))[chainAlert];
    expect(s?.reasons.length).toBeGreaterThan(0);
    expect(s?.reasons.map((r) => r.feature)).toEqual(
      expect.arrayContaining([expect.stringMatching(/ctx:|path:|ip:|rule=atk|title:attack/) as string]),
    );
  });

  it('reads dispositions from the reasons analysts give', () => {
    expect(dispositionLabel('False positive')).toBe(0);
    expect(dispositionLabel('Benign: expected administrative activity')).toBe(0);
    expect(dispositionLabel('Resolved: contained and remediated')).toBe(1);
    expect(dispositionLabel('true-positive')).toBe(1);
    expect(dispositionLabel('Duplicate of another alert')).toBeUndefined();
    expect(dispositionLabel(undefined)).toBeUndefined();
  });
});
