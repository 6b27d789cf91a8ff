/**
 * The figures of issue 12 on the shared public data, with the baselines beside them. Training is
 * deterministic for a seed, so the values below are exact on this code; the assertions keep
 * margins to the goals, not to the measured values.
 *
 * - NSL-KDD: train on KDDTrain+_20Percent, test on KDDTest+ and on KDDTest-21 (the KDDTest+ rows
 *   that not all 21 of Tavallaee et al.'s learners got right: difficulty below 21).
 * - CIC-IDS2017 sample: every class cut in time (its latest 30% of flows held out), so no test
 *   flow has a near copy from the same burst in training.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fitSchema, toDataset } from '../data/dataset.js';
import { timeSplit } from '../data/split.js';
import { readTable } from '../data/table.js';
import { evaluateModel } from './batch.js';
import { Model } from './model.js';
import { trainModel } from './train.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const CORPORA = process.env['INTERSOC_CORPORA'] ?? path.resolve(REPO, '../shared/corpora');
const NSL = path.join(CORPORA, 'ml', 'nsl-kdd');
const CIC = path.join(CORPORA, 'ml', 'cicids2017-improved-sample');

/** Share of rows whose attack/benign call is right. */
function binaryAccuracy(model: Model, d: ReturnType<typeof toDataset>, keep: (i: number) => boolean): number {
  let right = 0;
  let n = 0;
  for (let i = 0; i < d.rows; i++) {
    if (!keep(i)) continue;
    n++;
    if (model.predict(d.x, i * d.cols).attack === (d.labels[i] !== model.schema.benign)) right++;
  }
  return right / n;
}

describe.skipIf(!existsSync(NSL))(`NSL-KDD (${NSL})`, { tags: ['corpus'] }, () => {
  it(
    'KDDTest+ binary accuracy ≥ 85% (anchor 82.02%), KDDTest-21 ≥ 70% (anchor 66.16%), above the baselines',
    { timeout: 600_000 },
    () => {
      const train = readTable([path.join(NSL, 'KDDTrain+_20Percent.txt')], 'nsl-kdd');
      const test = readTable([path.join(NSL, 'KDDTest+.txt')], 'nsl-kdd');
      expect(train.rows.length).toBe(25_192);
      expect(test.rows.length).toBe(22_544);
      const schema = fitSchema(train);
      const d = toDataset(test, schema);
      const di = test.header.indexOf('difficulty');
      const hard = (i: number): boolean => Number(test.rows[i]?.[di]) < 21;
      expect(Array.from({ length: d.rows }, (_, i) => i).filter(hard).length).toBe(11_850);

      // The attack/benign call is the detector's alone: the classifier that names attack classes is
      // left out here (it would triple the training time and changes none of these figures).
      const gbdt = new Model(
        trainModel(
          toDataset(train, schema),
          { algorithm: 'gbdt', seed: 1, classifier: false },
          { dataHash: train.hash },
        ).doc,
      );
      const accPlus = binaryAccuracy(gbdt, d, () => true);
      const acc21 = binaryAccuracy(gbdt, d, hard);

      // Baselines: the majority class of the training data (normal), and logistic regression.
      const majority = d.labels.filter((l) => l === 'normal').length / d.rows;
      const logreg = new Model(
        trainModel(
          toDataset(train, schema),
          { algorithm: 'logreg', seed: 1, classifier: false },
          { dataHash: train.hash },
        ).doc,
      );
      const lrPlus = binaryAccuracy(logreg, d, () => true);
      const lr21 = binaryAccuracy(logreg, d, hard);
      console.log(
        `NSL-KDD gbdt: KDDTest+ ${(accPlus * 100).toFixed(2)}%, KDDTest-21 ${(acc21 * 100).toFixed(2)}%; ` +
          `logreg ${(lrPlus * 100).toFixed(2)}% / ${(lr21 * 100).toFixed(2)}%; majority (normal) ${(majority * 100).toFixed(2)}%`,
      );
      expect(accPlus).toBeGreaterThanOrEqual(0.85);
      expect(acc21).toBeGreaterThanOrEqual(0.7);
      expect(accPlus).toBeGreaterThan(lrPlus);
      expect(accPlus).toBeGreaterThan(majority + 0.3);
    },
  );
});

describe.skipIf(!existsSync(CIC))(`CIC-IDS2017 sample (${CIC})`, { tags: ['corpus'] }, () => {
  it(
    'macro-F1 ≥ 0.95 on the latest 30% of every class (time split, no leakage), above the baselines',
    { timeout: 600_000 },
    () => {
      const files = readdirSync(CIC)
        .filter((f) => f.endsWith('.csv') && f !== 'data_header_reference.csv')
        .sort()
        .map((f) => path.join(CIC, f));
      const all = readTable(files, 'cic-ids');
      const { train, test } = timeSplit(all, 'Label', 'Timestamp', 0.3);
      expect(train.rows.length + test.rows.length).toBe(all.rows.length);
      const schema = fitSchema(train);
      expect(schema.classes.length).toBe(16);
      // No identifier of a flow, host or moment is a feature.
      for (const id of ['Flow ID', 'Src IP', 'Dst IP', 'Src Port', 'Timestamp', 'id'])
        expect(schema.features.some((f) => f.name === id)).toBe(false);
      const d = toDataset(test, schema);
      const gbdt = new Model(
        trainModel(toDataset(train, schema), { algorithm: 'gbdt', seed: 1 }, { dataHash: all.hash }).doc,
      );
      const ev = evaluateModel(gbdt, d);
      const logreg = new Model(
        trainModel(toDataset(train, schema), { algorithm: 'logreg', seed: 1 }, { dataHash: all.hash }).doc,
      );
      const lr = evaluateModel(logreg, d);
      // Majority class of the training rows for every test row.
      const counts = new Map<string, number>();
      for (const l of d.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
      const majorityF1 = (() => {
        const support = counts.get('BENIGN') ?? 0;
        const precision = support / d.rows;
        return (2 * precision) / (precision + 1) / counts.size;
      })();
      console.log(
        `CIC-IDS2017 time split: ${train.rows.length} train, ${test.rows.length} test rows; gbdt macro-F1 ${ev.macroF1.toFixed(4)}, ` +
          `accuracy ${ev.accuracy.toFixed(4)}, binary ${JSON.stringify(ev.binary)}; logreg macro-F1 ${lr.macroF1.toFixed(4)}; ` +
          `majority macro-F1 ${majorityF1.toFixed(4)}\n` +
          ev.perClass.map((c) => `  ${c.class}: support ${c.support}, F1 ${c.f1.toFixed(4)}`).join('\n'),
      );
      expect(ev.macroF1).toBeGreaterThanOrEqual(0.95);
      expect(ev.macroF1).toBeGreaterThan(lr.macroF1);
      expect(ev.binary?.detectionRate).toBeGreaterThan(0.99);
      expect(ev.binary?.falsePositiveRate).toBeLessThan(0.03);
    },
  );
});
