import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readExercise } from '../exercise/levels.js';
import { SAMPLE } from '../internal/fixtures.js';
import { toKypo } from './export.js';
import { fromKypo, isKypo } from './import.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpora = process.env['INTERSOC_CORPORA'] ?? path.resolve(repo, '../shared/corpora');
const kypo = path.join(corpora, 'response', 'training', 'kypo-crczp');

describe('KYPO export', () => {
  it('round-trips our exercise through the KYPO format (scores, hints, penalties, choices)', () => {
    const ex = readExercise(SAMPLE);
    const { training, notes } = toKypo(ex);
    expect(isKypo(training)).toBe(true);
    const back = readExercise(fromKypo(JSON.parse(JSON.stringify(training))));
    expect(back.levels.map((l) => l.type)).toEqual(ex.levels.map((l) => l.type));
    expect(back.levels.map((l) => ('max_score' in l ? l.max_score : 0))).toEqual(
      ex.levels.map((l) => ('max_score' in l ? l.max_score : 0)),
    );
    const q = back.levels[2];
    expect(q?.type === 'question' && q.hints.map((h) => h.hint_penalty)).toEqual([3, 5]);
    expect(q?.type === 'question' && [q.answers, q.solution_penalized, q.incorrect_answer_limit]).toEqual([
      ['T1059.001'],
      true,
      3,
    ]);
    const c = back.levels[3];
    expect(c?.type === 'choice' && [c.options, c.correct]).toEqual([
      ['445', '22', '139'],
      [0, 2],
    ]);
    const free = back.levels[4];
    expect(free?.type === 'question' && free.solution_penalized).toBe(false);
    // Our normalisation does not exist in KYPO; the export says so.
    expect(notes.join('\n')).toMatch(/level 3: KYPO compares answers exactly \(here: technique/);
  });
});

describe.skipIf(!existsSync(kypo))('KYPO import of the CyberRangeCZ library (corpus)', { tags: ['corpus'] }, () => {
  const trainings = existsSync(kypo)
    ? readdirSync(kypo).filter((d) => existsSync(path.join(kypo, d, 'training.json')))
    : [];

  it('imports every training of the library, levels in order, scoring exactly', () => {
    expect(trainings.length).toBeGreaterThanOrEqual(3);
    for (const dir of trainings) {
      const doc = JSON.parse(readFileSync(path.join(kypo, dir, 'training.json'), 'utf8')) as {
        levels: { level_type: string; max_score?: number; hints?: { hint_penalty: number }[]; answer?: string }[];
      };
      expect(isKypo(doc)).toBe(true);
      const ex = readExercise(fromKypo(doc));
      expect(ex.levels).toHaveLength(doc.levels.length);
      doc.levels.forEach((k, i) => {
        const l = ex.levels[i];
        const want = { INFO_LEVEL: 'info', ACCESS_LEVEL: 'access', TRAINING_LEVEL: 'question' }[k.level_type];
        expect(l?.type, `${dir} level ${i + 1}`).toBe(want);
        if (l?.type === 'question') {
          expect(l.max_score).toBe(k.max_score);
          expect(l.hints.map((h) => h.hint_penalty).sort()).toEqual((k.hints ?? []).map((h) => h.hint_penalty).sort());
          expect(l.answer_kind).toBe('exact');
          if (k.answer) expect(l.answers).toEqual([k.answer]);
        }
      });
    }
  });

  it('says what does not map (sandboxes, reference solutions graded in a sandbox)', () => {
    const doc = JSON.parse(readFileSync(path.join(kypo, 'library-junior-hacker', 'training.json'), 'utf8')) as unknown;
    const ex = fromKypo(doc);
    const notes = ex.provenance?.notes ?? [];
    expect(notes[0]).toMatch(/sandbox definition and topology are not imported/);
    expect(notes.some((n) => /reference solution \/ expected commands/.test(n))).toBe(true);
    // An answer that starts with "-" survives import.
    expect(ex.levels.some((l) => l.type === 'question' && l.answers[0] === '--help')).toBe(true);
  });

  it('export of an imported training imports back the same', () => {
    for (const dir of trainings) {
      const ex = readExercise(fromKypo(JSON.parse(readFileSync(path.join(kypo, dir, 'training.json'), 'utf8'))));
      const again = readExercise(fromKypo(toKypo(ex).training));
      expect(again.levels.map(({ index: _i, ...l }) => l)).toEqual(ex.levels.map(({ index: _i, ...l }) => l));
    }
  });
});
