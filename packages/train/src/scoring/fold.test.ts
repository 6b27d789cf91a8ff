import { describe, expect, it } from 'vitest';
import { readExercise } from '../exercise/levels.js';
import { SAMPLE } from '../internal/fixtures.js';
import { reportOf, type RunAction } from './fold.js';

const ex = readExercise(SAMPLE);
let t = 1_000_000;
const at = (): number => (t += 1000);
const answer = (level: string, correct: boolean): RunAction => ({
  kind: 'answer',
  level,
  time: at(),
  answer: 'x',
  correct,
});
const hint = (level: string, h: number, penalty: number): RunAction => ({
  kind: 'hint',
  level,
  time: at(),
  hint: h,
  penalty,
});
const solution = (level: string, penalized: boolean): RunAction => ({
  kind: 'solution',
  level,
  time: at(),
  penalized,
  auto: false,
});
const level = (r: ReturnType<typeof reportOf>, id: string) => r.levels.find((l) => l.id === id);

describe('KYPO scoring', () => {
  it('a right answer scores the maximum; wrong answers before it cost nothing', () => {
    const r = reportOf(ex.levels, [answer('3', false), answer('3', false), answer('3', true)]);
    expect(level(r, '3')).toMatchObject({ score: 20, max: 20, attempts: 3, wrong: 2, hints: 0, solved: true });
  });

  it('wrong answers are counted only up to the level limit', () => {
    const r = reportOf(
      ex.levels,
      [1, 2, 3, 4, 5].map(() => answer('3', false)),
    );
    expect(level(r, '3')).toMatchObject({ score: 0, attempts: 5, wrong: 3, solved: false });
  });

  it('each hint costs its own hint_penalty', () => {
    const r = reportOf(ex.levels, [hint('3', 0, 3), hint('3', 1, 5), answer('3', true)]);
    expect(level(r, '3')).toMatchObject({ score: 12, hints: 2, solved: true });
  });

  it('a penalised solution scores the level 0, whatever hints came before', () => {
    const r = reportOf(ex.levels, [hint('3', 0, 3), solution('3', true), answer('3', true)]);
    expect(level(r, '3')).toMatchObject({ score: 0, solved: true, solution_shown: true });
  });

  it('an unpenalised solution costs nothing beyond the hints', () => {
    const r = reportOf(ex.levels, [hint('5', 0, 4), solution('5', false), answer('5', true)]);
    expect(level(r, '5')).toMatchObject({ score: 11, solved: true, solution_shown: true });
  });

  it('answers after the level is solved do not change its score', () => {
    const r = reportOf(ex.levels, [answer('4', true), hint('4', 0, 0), answer('4', false)]);
    expect(level(r, '4')).toMatchObject({ score: 10, attempts: 2, solved: true });
  });

  it('hint penalties never take a level below 0', () => {
    const r = reportOf(ex.levels, [
      hint('5', 0, 4),
      hint('5', 0, 4),
      hint('5', 0, 4),
      hint('5', 0, 4),
      answer('5', true),
    ]);
    expect(level(r, '5')?.score).toBe(0);
  });

  it('info and access levels have max 0; the total is the sum of levels', () => {
    const r = reportOf(ex.levels, [answer('1', true), answer('2', true), answer('3', true), hint('6', 0, 0)]);
    expect(level(r, '1')).toMatchObject({ max: 0, score: 0, solved: true });
    expect(level(r, '2')).toMatchObject({ max: 0, score: 0, solved: true });
    expect(r.max).toBe(20 + 10 + 15 + 25);
    expect(r.score).toBe(20);
    expect(r.levels.map((l) => l.id)).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('records time per level from its first action to its answer', () => {
    const r = reportOf(ex.levels, [
      { kind: 'open', level: '6', time: 10_000 },
      { kind: 'answer', level: '6', time: 70_000, answer: 'x', correct: true },
    ]);
    expect(level(r, '6')?.seconds).toBe(60);
    expect(level(r, '4')?.seconds).toBeNull();
  });
});
