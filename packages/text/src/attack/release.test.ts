import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NaiveBayes } from './naive-bayes.js';
import { loadSentenceModel } from './release.js';
import { evaluate } from './train.js';
import { foldOf, readTramNegatives, readTramSingleLabel } from './tram.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpora = process.env['INTERSOC_CORPORA'] ?? path.resolve(repo, '../shared/corpora');
const tram = path.join(corpora, 'ml', 'tram');

describe.skipIf(!existsSync(tram))(
  'the released model on TRAM documents it never saw (corpus)',
  { tags: ['corpus'] },
  () => {
    it('beats naive Bayes and reaches micro-F1 ≥ 0.75 on the held-out fold', () => {
      const model = loadSentenceModel();
      expect(String(model.info.training['split'])).toMatch(/by document.*fold 0 held out/);
      const all = readTramSingleLabel(tram);
      const test = all.filter((s) => foldOf(s.doc, 5) === 0);
      const train = all.filter((s) => foldOf(s.doc, 5) !== 0);
      // No held-out document may have a sentence among the training ones.
      const trainDocs = new Set(train.map((s) => s.doc));
      expect(test.some((s) => trainDocs.has(s.doc))).toBe(false);
      const negatives = readTramNegatives(tram).filter((s) => foldOf(s.doc, 5) === 0);
      const f = evaluate(model, [...test, ...negatives], NaiveBayes.fit(train));
      console.info(`tram held-out ${JSON.stringify(f)}`);
      expect(f.documents).toBeGreaterThan(15);
      expect(f.microF1).toBeGreaterThanOrEqual(0.75);
      expect(f.microF1).toBeGreaterThan((f.baselineMicroF1 ?? 1) + 0.05);
    }, 120_000);
  },
);
