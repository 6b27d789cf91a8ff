/**
 * @module
 * The training store suite (`trainStoreSuite`): the same tests on every `TrainStore`
 * (`store/sqlite-train.test.ts` on SQLite, `store/pg-train.test.ts` on PostgreSQL). Used by this
 * package's tests only.
 */
import { describe, expect, it } from 'vitest';
import { isAppError, type AuthContext } from '@intersoc/core';
import type { Exercise } from '../exercise/schema.js';
import type { RunAction } from '../scoring/fold.js';
import type { RunState, StoredRun, TrainStore } from '../store/train-store.js';
import { SAMPLE } from './fixtures.js';

/** A store, a second handle on the same database (another process), and how to drop both. */
export interface TrainStoreHandles {
  readonly store: TrainStore;
  readonly other: TrainStore;
  close(): Promise<void>;
}

const ines: AuthContext = { tenant: 'acme', user: 'ines', roles: ['instructor'], via: 'token' };
const gina: AuthContext = { tenant: 'globex', user: 'gina', roles: ['instructor'], via: 'token' };

const STATE: RunState = {
  keys: {
    l3: { kind: 'values', answerKind: 'technique', values: ['T1059.001'] },
    l2: { kind: 'passkey', value: 'go' },
  },
  names: { 'ws-01': 'host-7f3a' },
  variables: { port: '445' },
  replayed: 12,
};

/** A run of acme's exercise `ex`. */
function runOf(id: string, started: number, o: Partial<StoredRun> = {}): StoredRun {
  return {
    id,
    tenant: 'acme',
    exercise: 'ex',
    trainee: 'tim',
    trainingTenant: `train-${id}`,
    started,
    finished: null,
    state: STATE,
    ...o,
  };
}

/** The error code `f` throws: an AppError's code, 'thrown' for another error, or undefined. */
function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    return isAppError(err) ? err.code : 'thrown';
  }
  return undefined;
}

/** The training store suite on the store `open` returns (a fresh database each time). */
export function trainStoreSuite(name: string, open: () => Promise<TrainStoreHandles>): void {
  describe(`training store (${name})`, () => {
    it('keeps exercises per tenant, lists them newest first then by id byte-wise, and refuses a second id', async () => {
      const h = await open();
      try {
        const other: Exercise = { ...SAMPLE, title: 'Other' };
        const put = h.store.putExercise(ines, 'b', SAMPLE, 1000);
        expect(put).toEqual({
          id: 'b',
          tenant: 'acme',
          title: 'Sample',
          created: 1000,
          author: 'ines',
          exercise: SAMPLE,
        });
        h.store.putExercise(ines, 'a', other, 1000);
        h.store.putExercise(ines, 'Z', SAMPLE, 1000);
        h.store.putExercise(ines, 'new', SAMPLE, 2000);
        h.other.putExercise(gina, 'b', other, 3000);
        expect(h.other.exercises(ines).map((e) => e.id)).toEqual(['new', 'Z', 'a', 'b']);
        expect(h.other.exercise(ines, 'b')).toEqual(put);
        expect(h.store.exercise(gina, 'b')?.exercise.title).toBe('Other');
        expect(h.store.exercise(gina, 'a')).toBeUndefined();
        expect(h.store.exercises(gina).map((e) => [e.id, e.author, e.created])).toEqual([['b', 'gina', 3000]]);
        expect(codeOf(() => h.other.putExercise(ines, 'a', SAMPLE, 4000))).toBeDefined();
        expect(h.store.exercise(ines, 'a')?.title).toBe('Other');
      } finally {
        await h.close();
      }
    });

    it('keeps runs with their state, per home tenant newest first, by training tenant, and finishes once', async () => {
      const h = await open();
      try {
        const first = runOf('r1', 1000);
        h.store.putRun(first);
        h.store.putRun(runOf('r2', 2000, { trainee: 'tara' }));
        h.other.putRun(runOf('R3', 2000));
        h.other.putRun(runOf('g1', 5000, { tenant: 'globex', trainee: 'gus' }));
        expect(h.other.run('r1')).toEqual(first);
        expect(h.store.run('nope')).toBeUndefined();
        expect(h.store.runs(ines).map((r) => r.id)).toEqual(['R3', 'r2', 'r1']);
        expect(h.other.runs(gina).map((r) => r.id)).toEqual(['g1']);
        expect(h.store.runsIn('train-r2').map((r) => r.trainee)).toEqual(['tara']);
        expect(h.store.runsIn('train-none')).toEqual([]);
        expect(codeOf(() => h.store.putRun(runOf('r4', 6000, { trainingTenant: 'train-r1' })))).toBeDefined();
        expect(codeOf(() => h.store.putRun(runOf('r1', 6000, { trainingTenant: 'train-x' })))).toBeDefined();
        h.store.finish('r1', 7000);
        h.other.finish('r1', 8000);
        expect(h.other.run('r1')?.finished).toBe(7000);
        expect(h.store.run('r2')?.finished).toBeNull();
      } finally {
        await h.close();
      }
    });

    it('answers NOT_FOUND alike for a missing run and one the caller may not act on', async () => {
      const h = await open();
      try {
        h.store.putRun(runOf('r1', 1000));
        expect(h.other.runFor('r1', (r) => r.trainee === 'tim').id).toBe('r1');
        expect(codeOf(() => h.other.runFor('r1', (r) => r.tenant === 'globex'))).toBe('NOT_FOUND');
        expect(codeOf(() => h.other.runFor('nope', () => true))).toBe('NOT_FOUND');
      } finally {
        await h.close();
      }
    });

    it('appends actions in order per run, from either handle, and reads them back whole', async () => {
      const h = await open();
      try {
        const a: RunAction[] = [
          { kind: 'open', level: 'l1', time: 1000 },
          { kind: 'answer', level: 'l3', time: 1100, answer: 'T1059', correct: false },
        ];
        const b: RunAction[] = [
          { kind: 'hint', level: 'l3', time: 1200, hint: 0, penalty: 3 },
          { kind: 'answer', level: 'l3', time: 1300, answer: 'T1059.001', correct: true },
        ];
        h.store.append('r1', a);
        h.other.append('r1', []);
        h.other.append('r1', b);
        h.store.append('r2', [{ kind: 'open', level: 'l1', time: 900 }]);
        expect(h.other.actions('r1')).toEqual([...a, ...b]);
        expect(h.store.actions('r2')).toEqual([{ kind: 'open', level: 'l1', time: 900 }]);
        expect(h.store.actions('nope')).toEqual([]);
      } finally {
        await h.close();
      }
    });
  });
}
