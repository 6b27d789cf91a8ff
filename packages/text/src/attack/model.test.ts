import { describe, expect, it } from 'vitest';
import { fitPlatt } from './calibrate.js';
import { AttackKnowledge } from './knowledge.js';
import { trainLinear, logits } from './linear.js';
import { SentenceModel } from './model.js';
import { foldOf, splitByDocument } from './tram.js';
import { Vectorizer } from './vectorizer.js';

const KNOWLEDGE = new AttackKnowledge({
  source: 'test',
  techniques: {
    T1105: ['Ingress Tool Transfer', ['command-and-control']],
    'T1053.005': ['Scheduled Task', ['execution', 'persistence', 'privilege-escalation']],
    'T1003.001': ['LSASS Memory', ['credential-access']],
  },
  tactics: { execution: ['TA0002', 'Execution'] },
  actors: [
    { id: 'S0002', type: 'tool', name: 'Mimikatz', ambiguous: false },
    { id: 'S0039', type: 'tool', name: 'Net', ambiguous: true },
    { id: 'G0016', type: 'intrusion-set', name: 'APT29', ambiguous: false },
    { id: 'S0363', type: 'tool', name: 'Empire', ambiguous: false },
  ],
});

/** Three techniques in varied words, so that held-out phrasings share features with training ones. */
const DATA: [string, string][] = [
  ['T1105', 'the loader downloads a second stage payload from the server'],
  ['T1105', 'it fetched additional tools from a remote host'],
  ['T1105', 'the implant downloads more payloads over http'],
  ['T1105', 'additional malware was downloaded from the c2 server'],
  ['T1053.005', 'a scheduled task runs the backdoor every hour'],
  ['T1053.005', 'persistence through a scheduled task created with schtasks'],
  ['T1053.005', 'the actor created a scheduled task named updater'],
  ['T1053.005', 'schtasks was used to create a task at logon'],
  ['T1003.001', 'credentials were dumped from lsass memory'],
  ['T1003.001', 'mimikatz read passwords from the lsass process'],
  ['T1003.001', 'the tool dumps lsass to harvest credentials'],
  ['T1003.001', 'a memory dump of lsass gave the attackers hashes'],
];

function toyModel(): SentenceModel {
  const classes = ['T1003.001', 'T1053.005', 'T1105'];
  const vec = Vectorizer.fit(
    DATA.map((d) => d[1]),
    { wordN: 2, charMin: 3, charMax: 5, minDf: 1, maxTerms: 10_000, wordWeight: 1 },
  );
  const w = trainLinear(
    DATA.map(([t, s]) => ({ x: vec.transform(s), y: [classes.indexOf(t)] })),
    vec.size,
    3,
    { loss: 'ovr', l2: 1e-3, maxIterations: 200 },
  );
  return new SentenceModel(
    { version: 'toy', created: '', training: {}, metrics: {} },
    classes,
    vec,
    w,
    { a: 1, b: 0 },
    0.5,
    KNOWLEDGE,
  );
}

describe('the sentence model', () => {
  it('learns techniques from varied phrasings and ranks the right one first on new sentences', () => {
    const m = toyModel();
    expect(m.predict('the malware downloads a payload from its server', 1)[0]?.id).toBe('T1105');
    expect(m.predict('they created a scheduled task for persistence', 1)[0]?.id).toBe('T1053.005');
    expect(m.predict('lsass memory was dumped for credentials', 1)[0]?.id).toBe('T1003.001');
  });

  it('keeps its predictions through the 8-bit file format', () => {
    const m = toyModel();
    const back = SentenceModel.load(m.serialise());
    for (const [, s] of DATA) {
      const a = m.predict(s);
      const b = back.predict(s);
      expect(b.map((x) => x.id)).toEqual(a.map((x) => x.id));
      b.forEach((x, i) => expect(Math.abs(x.score - (a[i]?.score ?? 0))).toBeLessThan(0.02));
    }
  });

  it('reaches the optimum of a separable problem (loss falls, scores separate)', () => {
    const vec = Vectorizer.fit(['alpha beta', 'gamma delta'], {
      wordN: 1,
      charMin: 3,
      charMax: 3,
      minDf: 1,
      maxTerms: 100,
      wordWeight: 1,
    });
    const values: number[] = [];
    const w = trainLinear(
      [
        { x: vec.transform('alpha beta'), y: [0] },
        { x: vec.transform('gamma delta'), y: [] },
      ],
      vec.size,
      1,
      { loss: 'ovr', l2: 1e-3, maxIterations: 100, onIteration: (_i, v) => values.push(v) },
    );
    expect(values[values.length - 1]).toBeLessThan(values[0] ?? 0);
    expect(logits(w, vec.transform('alpha beta'))[0]).toBeGreaterThan(2);
    expect(logits(w, vec.transform('gamma delta'))[0]).toBeLessThan(-2);
  });
});

describe('Platt calibration', () => {
  it('recovers the slope and offset that generated the outcomes', () => {
    // Outcomes drawn from σ(2z − 1) with a fixed generator.
    let x = 7;
    const rnd = (): number => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
    const z: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const v = rnd() * 6 - 3;
      z.push(v);
      y.push(rnd() < 1 / (1 + Math.exp(-(2 * v - 1))) ? 1 : 0);
    }
    const p = fitPlatt(z, y);
    expect(p.a).toBeCloseTo(2, 0);
    expect(p.b).toBeCloseTo(-1, 0);
  });
});

describe('ATT&CK knowledge', () => {
  it('finds explicit ids it knows, and names, leaving ambiguous ones to context', () => {
    expect(KNOWLEDGE.explicitTechniques('Uses T1105 and T1053.005, not T9999 or T1105.9').map((t) => t.id)).toEqual([
      'T1105',
      'T1053.005',
    ]);
    const names = (s: string): string[] => KNOWLEDGE.actors(s).map((a) => a.actor.name);
    // A plain capitalised name counts only capitalised: `mimikatz` in lower case could be a file name.
    expect(names('APT29 ran Mimikatz, then mimikatz again; apt29 too.')).toEqual(['APT29', 'Mimikatz', 'APT29']);
    expect(names('The net effect was small; the empire fell.')).toEqual([]);
    expect(names('They used the Net tool to list shares, and Empire.')).toEqual(['Net', 'Empire']);
  });
});

describe('split by document', () => {
  it('puts every sentence of a document on one side', () => {
    const items = Array.from({ length: 400 }, (_, i) => ({ doc: `doc-${i % 40}`, text: `s${i}` }));
    const { train, test } = splitByDocument(items, 5, 0);
    const trainDocs = new Set(train.map((t) => t.doc));
    expect(test.length).toBeGreaterThan(0);
    expect(test.every((t) => !trainDocs.has(t.doc))).toBe(true);
    expect(new Set(test.map((t) => foldOf(t.doc, 5)))).toEqual(new Set([0]));
  });
});
