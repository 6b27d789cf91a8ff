import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createContextDetector, type ContextDetectorOptions } from './context-detector.js';
import { readNabCorpus, readNabWindows, runSeries, scoreNab } from './nab-corpus.js';
import { NAB_PROFILES } from './nab-score.js';

const HOUR = 3_600_000;
/** A daily cycle sampled hourly, with a small deterministic wobble. */
function daily(rows: number, shiftAt = Infinity, shift = 0): number[] {
  return Array.from(
    { length: rows },
    (_, i) => 50 + 20 * Math.sin((2 * Math.PI * i) / 24) + ((i * 7) % 5) + (i >= shiftAt ? shift : 0),
  );
}

describe('context detector', () => {
  it('continues from a snapshot exactly as without the restart, and says what it expects', () => {
    const values = daily(1200, 1000, 60);
    const whole = createContextDetector({ probation: 300 });
    const expected = values.map((v, i) => whole.update(i * HOUR, v));
    const first = createContextDetector({ probation: 300 });
    const got = values.slice(0, 700).map((v, i) => first.update(i * HOUR, v));
    // Through JSON, as the node keeps it.
    const state = JSON.parse(JSON.stringify(first.snapshot())) as Parameters<typeof createContextDetector>[1];
    const second = createContextDetector({ probation: 300 }, state);
    got.push(...values.slice(700).map((v, j) => second.update((700 + j) * HOUR, v)));
    expect(got).toEqual(expected);
    // Before the shift, the next value lies in the range the detector expects; the shifted one does not.
    const d = createContextDetector({ probation: 300 }, state);
    for (let i = 700; i < 1000; i++) d.update(i * HOUR, values[i] as number);
    const range = d.expected();
    expect(range).toBeDefined();
    expect(values[1000]).toBeGreaterThan(range?.high ?? Infinity);
    expect(values[1000 - 24]).toBeGreaterThanOrEqual(range?.low ?? Infinity);
    expect(values[1000 - 24]).toBeLessThanOrEqual(range?.high ?? -Infinity);
    // A restore of another shape (other lags) starts afresh rather than misreading the state.
    expect(createContextDetector({ probation: 300, lags: [1] }, state).snapshot().rows).toBe(0);
  });

  it('is silent while learning and on a repeating pattern, fires once at a level shift, then rests', () => {
    const values = daily(1200, 1000, 60);
    const d = createContextDetector({ probation: 300 });
    const scores = values.map((v, i) => d.update(i * HOUR, v));
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    expect(scores.slice(0, 300).every((s) => s === 0)).toBe(true);
    // The pattern repeats every 24 rows: after a few days nothing is new.
    expect(Math.max(...scores.slice(500, 1000))).toBeLessThan(0.75);
    expect(scores[1000]).toBe(1);
    // Rest period: 0.2 × 300 rows of silence after firing.
    expect(scores.slice(1001, 1061).every((s) => s === 0)).toBe(true);
  });

  it('fires when a noisy series narrows inside its range only with the window-shift companion', () => {
    // Uniform noise on 40–60, then on 45–55: by then every transition inside was seen before.
    let seed = 1;
    const uniform = (): number => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const values = Array.from({ length: 1200 }, (_, i) => (i >= 1000 ? 45 + 10 * uniform() : 40 + 20 * uniform()));
    const run = (shift: false | undefined): number[] => {
      const d = createContextDetector(shift === false ? { probation: 300, shift } : { probation: 300 });
      return values.map((v, i) => d.update(i * HOUR, v));
    };
    expect(Math.max(...run(false).slice(1000))).toBeLessThan(0.85);
    const scores = run(undefined);
    expect(Math.max(...scores.slice(600, 1000))).toBeLessThan(0.85);
    // The spread halves: the log-sd z-score passes its firing level (0.85 × 5).
    expect(Math.max(...scores.slice(1000, 1100))).toBeGreaterThanOrEqual(0.85);
  });

  it('restores a state saved before the companion existed, keeping what the transitions learned', () => {
    const values = daily(1200, 1000, 60);
    const first = createContextDetector({ probation: 300 });
    for (let i = 0; i < 700; i++) first.update(i * HOUR, values[i] as number);
    const { shift: _dropped, ...old } = first.snapshot();
    const second = createContextDetector({ probation: 300 }, old);
    expect(second.snapshot().rows).toBe(700);
    const scores = values.slice(700).map((v, j) => second.update((700 + j) * HOUR, v));
    expect(Math.max(...scores.slice(0, 300))).toBeLessThan(0.85);
    expect(scores[300]).toBe(1);
  });

  it('past the range, finds a spike a little larger than an earlier one familiar; a far larger one is new', () => {
    // Spikes at the same phase of both the day and the wobble (120 rows apart): only their size differs.
    const values = daily(1100);
    values[800] = (values[800] as number) + 100;
    values[920] = (values[920] as number) + 115;
    values[1040] = (values[1040] as number) + 400;
    const run = (outer: false | undefined): number[] => {
      const d = createContextDetector(
        outer === false ? { probation: 300, shift: false, outer } : { probation: 300, shift: false },
      );
      return values.map((v, i) => d.update(i * HOUR, v));
    };
    const widened = run(undefined);
    const linear = run(false);
    expect(widened[800]).toBe(1);
    expect(linear[800]).toBe(1);
    // 22 and 26 grid steps past the edge: one outer level, but four linear levels apart.
    expect(widened[920]).toBeLessThan(0.5);
    expect(linear[920]).toBe(1);
    expect(widened[1040]).toBe(1);
  });

  it('maps a state saved before outer levels onto them, continuing as if it had always had them', () => {
    const values = daily(1000);
    values[500] = (values[500] as number) + 100;
    values[620] = (values[620] as number) + 115;
    values[740] = (values[740] as number) + 110;
    const whole = createContextDetector({ probation: 300 });
    const expected = values.map((v, i) => whole.update(i * HOUR, v));
    const old = createContextDetector({ probation: 300, outer: false });
    for (let i = 0; i < 700; i++) old.update(i * HOUR, values[i] as number);
    // A state as saved before outer levels existed: no `outer` field.
    const { outer: _absent, ...state } = old.snapshot();
    const next = createContextDetector({ probation: 300 }, JSON.parse(JSON.stringify(state)) as typeof state);
    const got = values.slice(700).map((v, j) => next.update((700 + j) * HOUR, v));
    expect(got).toEqual(expected.slice(700));
    // Same phase as the spikes at 500 and 620, and between them in size: familiar.
    expect(got[40]).toBeLessThan(0.5);
  });

  it('is deterministic and causal: a row’s score does not depend on later rows', () => {
    const a = daily(800, 700, -40);
    const b = [...a.slice(0, 650), ...daily(150).map((v) => v * 3)];
    const run = (xs: number[]): number[] => {
      const d = createContextDetector({ probation: 200 });
      return xs.map((v, i) => d.update(i * HOUR, v));
    };
    expect(run(a)).toEqual(run(a));
    expect(run(a).slice(0, 650)).toEqual(run(b).slice(0, 650));
  });
});

const NAB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../shared/corpora/ml/nab');

describe.skipIf(!existsSync(NAB))(`NAB (${NAB})`, { tags: ['corpus'] }, () => {
  it('scores the corpus as measured, with null = 0 and perfect = 100 on the same scorer', () => {
    const series = readNabCorpus(NAB);
    const windows = readNabWindows(NAB);
    expect(series).toHaveLength(58);
    expect(series.reduce((a, s) => a + s.values.length, 0)).toBe(365_558);
    const scores = series.map((s) => runSeries(s, ({ probation }) => createContextDetector({ probation })));
    const r = Object.fromEntries(
      Object.entries(NAB_PROFILES).map(([p, cost]) => [p, scoreNab(series, scores, windows, cost).normalized]),
    );
    console.log(`NAB context detector: ${JSON.stringify(r)}`);
    // Measured 75.39 / 66.63 / 80.43 with outer levels and the window-shift companion (74.19 /
    // 62.85 / 79.92 without outer levels, 69.33 / 58.74 / 74.67 without either). The standard
    // margin is the goal itself (ARTime's 74.85, rounded up); the others allow small changes.
    expect(r['standard']).toBeGreaterThan(74.9);
    expect(r['reward_low_FP_rate']).toBeGreaterThan(66.1);
    expect(r['reward_low_FN_rate']).toBeGreaterThan(79.9);
    const standard = (options: Omit<ContextDetectorOptions, 'probation'>): number => {
      const out = series.map((s) => runSeries(s, ({ probation }) => createContextDetector({ probation, ...options })));
      return scoreNab(series, out, windows, NAB_PROFILES.standard).normalized;
    };
    // The two earlier versions, exactly as measured then.
    expect(standard({ outer: false })).toBeCloseTo(74.19, 2);
    expect(standard({ outer: false, shift: false })).toBeCloseTo(69.33, 2);
    const nul = series.map((s) => s.values.map(() => 0.5));
    expect(scoreNab(series, nul, windows, NAB_PROFILES.standard).normalized).toBe(0);
    const perfect = series.map((s) => {
      const w = windows.get(`${s.category}/${s.file}`) ?? [];
      return s.times.map((t) => (w.some(([a]) => a === t) ? 1 : 0));
    });
    expect(scoreNab(series, perfect, windows, NAB_PROFILES.standard).normalized).toBeCloseTo(100, 9);
  });
});
