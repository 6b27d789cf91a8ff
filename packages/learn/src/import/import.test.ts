import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AppError } from '@intersoc/core';
import { rng } from '../internal/rng.js';
import { Model } from '../model/model.js';
import { applyLink, margins, type TreeEnsemble } from '../trees/ensemble.js';
import { treeShap } from '../trees/treeshap.js';
import { importedModelDoc, type ImportedTrees } from './imported.js';
import { readLightgbmText } from './lightgbm.js';
import { readXgboostJson } from './xgboost.js';

// Fixtures made by fixtures/make-models.py with XGBoost 1.7.4 and LightGBM 4.7.0: the models,
// and the libraries' own probabilities and SHAP values on 40 rows with missing values.
const fixture = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`fixtures/${name}`, import.meta.url)), 'utf8');

interface Expected {
  rows: (number | null)[][];
  proba: number[] | number[][];
  contribs: number[][] | number[][][];
}

const cases: { file: string; read: (t: string) => ImportedTrees; groups: number }[] = [
  { file: 'xgb-binary.json', read: readXgboostJson, groups: 1 },
  { file: 'xgb-multi.json', read: readXgboostJson, groups: 3 },
  { file: 'lgb-binary.txt', read: readLightgbmText, groups: 1 },
  { file: 'lgb-multi.txt', read: readLightgbmText, groups: 3 },
];

const row = (r: (number | null)[]): Float64Array => Float64Array.from(r, (v) => (v === null ? NaN : v));

function proba(e: TreeEnsemble, x: Float64Array): number[] {
  const m = applyLink(e, margins(e, x, new Float64Array(Math.max(2, e.groups))));
  return e.link === 'sigmoid' ? [m[0] as number] : Array.from(m.subarray(0, e.groups));
}

describe('imported XGBoost and LightGBM models', () => {
  for (const c of cases) {
    const stem = c.file.replace(/\.(json|txt)$/, '');
    const expected = JSON.parse(fixture(`${stem}.expected.json`)) as Expected;
    const model = c.read(fixture(c.file));

    it(`${c.file}: reproduces the library's probabilities on every row`, () => {
      expect(model.features).toEqual(['bytes_in', 'bytes_out', 'duration', 'port_class', 'flags']);
      expect(model.ensemble.groups).toBe(c.groups);
      expect(expected.rows.some((r) => r.includes(null))).toBe(true);
      expected.rows.forEach((r, i) => {
        const want = expected.proba[i] as number | number[];
        const got = proba(model.ensemble, row(r));
        (Array.isArray(want) ? want : [want]).forEach((p, k) => expect(got[k]).toBeCloseTo(p, 5));
      });
    });

    it(`${c.file}: TreeSHAP gives the library's SHAP values and bias`, () => {
      const phi = new Float64Array(5);
      expected.rows.forEach((r, i) => {
        const per = expected.contribs[i] as number[] | number[][];
        // XGBoost nests multiclass values per class; LightGBM writes them in one row, class by class.
        const flat = per.flat();
        const byGroup = Array.from({ length: c.groups }, (_, g) => flat.slice(g * 6, g * 6 + 6));
        byGroup.forEach((want, g) => {
          const { bias } = treeShap(model.ensemble, row(r), g, phi);
          for (let f = 0; f < 5; f++) expect(phi[f]).toBeCloseTo(want[f] as number, 4);
          expect(bias).toBeCloseTo(want[5] as number, 4);
          // Local accuracy: the values and the bias sum to the margin.
          const m = margins(model.ensemble, row(r), new Float64Array(Math.max(2, c.groups)));
          expect(bias + phi.reduce((a, b) => a + b, 0)).toBeCloseTo(m[g] as number, 9);
        });
      });
    });
  }

  it('runs as a node model: benign class moved first, attack classes named, explained by SHAP', () => {
    const text = fixture('xgb-multi.json');
    const expected = JSON.parse(fixture('xgb-multi.expected.json')) as Expected;
    // Class 1 is benign here, so the importer must reorder the classes.
    const doc = importedModelDoc(readXgboostJson(text), { classes: ['scan', 'normal', 'dos'], benign: 'normal' }, text);
    expect(doc.algorithm).toBe('xgboost');
    expect(doc.schema.classes).toEqual(['normal', 'scan', 'dos']);
    expect(doc.training['dataHash']).toMatch(/^[0-9a-f]{64}$/);
    const m = new Model(JSON.parse(JSON.stringify(doc)) as typeof doc);
    let attacks = 0;
    expected.rows.forEach((r, i) => {
      const p = expected.proba[i] as number[];
      const pred = m.predict(row(r));
      expect(pred.score).toBeCloseTo(1 - (p[1] as number), 5);
      const best = [0, 1, 2].reduce((a, b) => ((p[b] as number) > (p[a] as number) ? b : a), 0);
      if (pred.attack) {
        attacks++;
        // The attack class is the likelier of scan (0) and dos (2).
        expect(pred.label).toBe((p[0] as number) >= (p[2] as number) ? 'scan' : 'dos');
        const why = m.explain(row(r));
        expect(why.length).toBeGreaterThan(0);
        expect(why.length).toBeLessThanOrEqual(5);
      } else expect(best === 1 || (p[1] as number) > 0.5).toBe(true);
    });
    expect(attacks).toBeGreaterThan(5);
  });

  it('binary LightGBM: the detector score is the library probability', () => {
    const text = fixture('lgb-binary.txt');
    const expected = JSON.parse(fixture('lgb-binary.expected.json')) as Expected;
    const m = new Model(
      importedModelDoc(readLightgbmText(text), { classes: ['normal', 'attack'], threshold: 0.7 }, text),
    );
    expected.rows.forEach((r, i) => {
      const pred = m.predict(row(r));
      expect(pred.score).toBeCloseTo(expected.proba[i] as number, 6);
      expect(pred.attack).toBe((expected.proba[i] as number) >= 0.7);
      expect(pred.label).toBe(pred.attack ? 'attack' : 'normal');
    });
  });

  it('refuses what it cannot run, with the reason', () => {
    const xgb = JSON.parse(fixture('xgb-binary.json')) as {
      learner: Record<string, unknown> & { objective: { name: string } };
    };
    const withObjective = structuredClone(xgb);
    withObjective.learner.objective.name = 'rank:pairwise';
    expect(() => readXgboostJson(JSON.stringify(withObjective))).toThrow(/objective rank:pairwise is not supported/);
    expect(() => readXgboostJson('{"learner": {}}')).toThrow(/xgboost model: .*learner_model_param/);
    expect(() => readXgboostJson('not json')).toThrow(/not JSON/);
    const lgb = fixture('lgb-binary.txt');
    expect(() => readLightgbmText(lgb.replace('decision_type=10 8', 'decision_type=11 8'))).toThrow(/categorical/);
    expect(() => readLightgbmText(lgb.replace('decision_type=10 8', 'decision_type=6 8'))).toThrow(/zero_as_missing/);
    expect(() => readLightgbmText(lgb.replace('objective=binary sigmoid:1', 'objective=lambdarank'))).toThrow(
      /objective lambdarank/,
    );
    expect(() => importedModelDoc(readLightgbmText(lgb), { classes: ['a', 'b', 'c'] }, lgb)).toThrow(/2 classes/);
  });

  it('never throws anything but a clear AppError on damaged files (fuzz)', () => {
    const r = rng(5);
    const sources: [string, (t: string) => ImportedTrees][] = [
      [fixture('xgb-multi.json'), readXgboostJson],
      [fixture('lgb-multi.txt'), readLightgbmText],
    ];
    let refused = 0;
    for (let i = 0; i < 600; i++) {
      const [text, read] = sources[i % 2] as [string, (t: string) => ImportedTrees];
      const chars = text.split('');
      const edits = 1 + Math.floor(r() * 4);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(r() * chars.length);
        const pick = r();
        if (pick < 0.4) chars[at] = String.fromCharCode(32 + Math.floor(r() * 90));
        else if (pick < 0.7) chars.splice(at, Math.floor(r() * 40));
        else chars.splice(at, 0, ...'-1 '.split(''));
      }
      try {
        const m = read(chars.join(''));
        // What parses must evaluate without throwing.
        margins(
          m.ensemble,
          new Float64Array(m.features.length).fill(0.5),
          new Float64Array(Math.max(2, m.ensemble.groups)),
        );
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(100);
  });
});
