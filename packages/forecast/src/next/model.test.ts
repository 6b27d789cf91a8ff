import { describe, expect, it } from 'vitest';
import { NextStepModel } from './model.js';
import { buildModel, extendModel, type AttackCatalog } from './train.js';

const attack: AttackCatalog = {
  tacticNames: { TA0001: 'Initial Access', TA0002: 'Execution', TA0005: 'Defense Evasion', TA0040: 'Impact' },
  techniques: {
    'T1566.001': { name: 'Spearphishing Attachment', tactics: ['TA0001'] },
    'T1204.002': { name: 'Malicious File', tactics: ['TA0002'] },
    'T1059.001': { name: 'PowerShell', tactics: ['TA0002'] },
    T1027: { name: 'Obfuscated Files or Information', tactics: ['TA0005'] },
    T1486: { name: 'Data Encrypted for Impact', tactics: ['TA0040'] },
  },
  sets: [
    ['T1566.001', 'T1204.002', 'T1059.001'],
    ['T1566.001', 'T1204.002', 'T1027'],
    ['T1486', 'T1027'],
  ],
};

describe('NextStepModel', () => {
  const data = buildModel({
    attack,
    sequences: [
      {
        name: 'reports',
        kind: 'reports',
        sequences: [
          ['T1566.001', 'T1204.002', 'T1059.001', 'T1486'],
          ['T1566.001', 'T1204.002', 'T1059.001'],
          ['T1566.001', 'T1204.002', 'T1027'],
        ],
      },
    ],
  });
  const model = new NextStepModel(data);

  it('predicts what followed, as probabilities, best first, without repeating what was seen', () => {
    const p = model.predict(['t1566.001', 'T1204.002', 'not-a-technique']);
    expect(p.techniques[0]?.id).toBe('T1059.001');
    expect(p.techniques.map((t) => t.id)).not.toContain('T1566.001');
    expect(p.techniques.map((t) => t.id)).not.toContain('T1204.002');
    const total = p.techniques.reduce((a, t) => a + t.score, 0);
    expect(total).toBeCloseTo(1, 4);
    for (let i = 1; i < p.techniques.length; i++)
      expect(p.techniques[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(p.techniques[i]?.score ?? 0);
    expect(p.tactics[0]?.id).toBe('TA0002');
    for (const t of p.tactics) expect(t.id).toMatch(/^TA\d{4}$/);
  });

  it('learns from closed incidents (continuous training)', () => {
    const before = model.predict(['T1566.001', 'T1204.002']).techniques.find((t) => t.id === 'T1486')?.score ?? 0;
    const more = new NextStepModel(
      extendModel(data, {
        name: 'closed incidents',
        kind: 'incidents',
        sequences: Array.from({ length: 5 }, () => ['T1566.001', 'T1204.002', 'T1486']),
      }),
    );
    const after = more.predict(['T1566.001', 'T1204.002']).techniques.find((t) => t.id === 'T1486')?.score ?? 0;
    expect(after).toBeGreaterThan(before);
    expect(more.data.sources.at(-1)).toMatchObject({ kind: 'incidents', items: 5, examples: 10 });
  });

  it('answers an empty or unknown history with the popular next steps', () => {
    const p = model.predict([]);
    expect(p.techniques.length).toBeGreaterThan(0);
    expect(model.predict(['T9999']).techniques.length).toBeGreaterThan(0);
  });

  it('coverage ranking puts first the tactic that covers the most technique mass', () => {
    const m = new NextStepModel({
      ...data,
      catalog: {
        T1: { name: 'a', tactics: ['TA0001', 'TA0002'] },
        T2: { name: 'b', tactics: ['TA0002', 'TA0005'] },
        T3: { name: 'c', tactics: ['TA0040'] },
      },
    });
    const dist = new Map([
      ['T1', 0.3],
      ['T2', 0.3],
      ['T3', 0.4],
    ]);
    const split = m.tacticScores(dist, new Map(), { mode: 'split', power: 1, markov: 0 });
    const cover = m.tacticScores(dist, new Map(), { mode: 'coverage', power: 1, markov: 0 });
    const best = (x: Map<string, number>): string => [...x.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
    expect(best(split)).toBe('TA0040');
    // execution holds T1 and T2: 0.6 of the mass against 0.4
    expect(best(cover)).toBe('TA0002');
    expect(cover.get('TA0002')).toBeCloseTo(0.6, 6);
    expect(cover.get('TA0040')).toBeCloseTo(0.4, 6);
    expect(cover.has('TA0001')).toBe(false);
  });
});
