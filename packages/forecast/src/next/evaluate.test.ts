/**
 * The split behind the next-step figures: reports that share text stay on one side of it (TRAM
 * holds CISA AA22-320A under two titles), and pooled hit rates are exact counts, not sums of
 * rounded per-fold rates.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTramReports, type ReportSequence } from './corpus.js';
import { constantPredictor, foldsOf, hitRates } from './evaluate.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpora = process.env['INTERSOC_CORPORA'] ?? path.resolve(repo, '../shared/corpora');
const ml = path.join(corpora, 'ml');

const foldOf = (folds: readonly ReportSequence[][], doc: string): number =>
  folds.findIndex((f) => f.some((r) => r.doc === doc));

describe('foldsOf', () => {
  it('keeps a group of reports in one fold and deals the rest round-robin', () => {
    const reports: ReportSequence[] = [
      { doc: 'a', techniques: ['T1566'] },
      { doc: 'b', techniques: ['T1059'] },
      { doc: 'c', techniques: ['T1027'] },
      { doc: 'd', techniques: ['T1486'], group: 'a' },
    ];
    const folds = foldsOf(reports, 2);
    expect(foldOf(folds, 'd')).toBe(foldOf(folds, 'a'));
    expect(folds.map((f) => f.length).sort()).toEqual([1, 3]);
    expect(folds.flat()).toHaveLength(4);
  });
});

describe('hitRates', () => {
  it('carries the hit counts behind the rates', () => {
    const cases = [
      { prefix: ['T1566'], next: 'T1059', tactics: ['TA0002'] },
      { prefix: ['T1566'], next: 'T1027', tactics: ['TA0005'] },
      { prefix: ['T1566'], next: 'T1486', tactics: ['TA0040'] },
    ];
    const r = hitRates(cases, constantPredictor(['TA0002', 'TA0005', 'TA0003'], ['T1059']));
    expect(r.hits).toEqual({ tactic3: 2, technique10: 1 });
    expect(r.tactic_hit3).toBe(0.667);
    expect(r.technique_hit10).toBe(0.333);
  });
});

describe.skipIf(!existsSync(path.join(ml, 'tram')))('TRAM reports by document', { tags: ['corpus'] }, () => {
  const reports = loadTramReports(ml);

  it('groups the advisory TRAM holds under two titles, and only reports that share text', () => {
    const twin = reports.find((r) => r.doc.startsWith('Iranian Government-Sponsored APT Actors Compromise'));
    expect(twin?.group).toMatch(/^AA22-320A: /);
    const grouped = reports.filter((r) => r.group !== undefined);
    // two pairs share long sentences: AA22-320A under two titles, and two Horabot write-ups
    expect(grouped).toHaveLength(2);
    const folds = foldsOf(reports, 5);
    for (const r of grouped) expect(foldOf(folds, r.doc)).toBe(foldOf(folds, r.group ?? ''));
  });
});
