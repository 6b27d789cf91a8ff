import { describe, expect, it } from 'vitest';
import { isAppError } from '@intersoc/core';
import { NUMPY_IIM, pythonReference, runPython } from '../internal/reference.js';
import { dynamicIim, iim, interdependencyFromIo } from './iim.js';
import { seededRandom } from './random.js';
import { DEFAULT_RECOVERY_HOURS, DEFAULT_SECTOR_MATRIX, SECTORS } from './sectors.js';

/** A random A* with rows summing below `rowSum`, and a perturbation. */
function randomCase(n: number, seed: number, rowSum = 0.9): { A: number[][]; c: number[] } {
  const r = seededRandom(seed);
  const A = Array.from({ length: n }, () => {
    const row = Array.from({ length: n }, () => (r() < 0.6 ? r() : 0));
    const s = row.reduce((a, b) => a + b, 0) || 1;
    const target = r() * rowSum;
    return row.map((v) => (v / s) * target);
  });
  const c = Array.from({ length: n }, () => (r() < 0.3 ? r() * 0.5 : 0));
  return { A, c };
}

/** Gauss–Jordan inverse of I − A, then a matrix–vector product: another route to q. */
function inverseRoute(A: number[][], c: number[]): number[] {
  const n = A.length;
  const m = A.map((row, i) => [...row.map((v, j) => (i === j ? 1 : 0) - v), ...row.map((_v, j) => (i === j ? 1 : 0))]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i]![k]!) > Math.abs(m[p]![k]!)) p = i;
    [m[k], m[p]] = [m[p]!, m[k]!];
    const piv = m[k]![k]!;
    m[k] = m[k]!.map((v) => v / piv);
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const f = m[i]![k]!;
      m[i] = m[i]!.map((v, j) => v - f * m[k]![j]!);
    }
  }
  return m.map((row) => row.slice(n).reduce((s, v, j) => s + v * c[j]!, 0));
}

describe('static IIM', () => {
  it('solves a two-sector example by hand', () => {
    // q1 = 0.2 q2 + 0.1, q2 = 0.3 q1  →  q1 = 0.1 / 0.94, q2 = 0.03 / 0.94
    const { q, warnings } = iim(
      [
        [0, 0.2],
        [0.3, 0],
      ],
      [0.1, 0],
    );
    expect(q[0]).toBeCloseTo(0.1 / 0.94, 12);
    expect(q[1]).toBeCloseTo(0.03 / 0.94, 12);
    expect(warnings).toEqual([]);
  });

  it('equals an independent Gauss–Jordan inverse to 1e-9 on random matrices up to 200 sectors', () => {
    for (const [n, seed] of [
      [3, 1],
      [8, 2],
      [25, 3],
      [60, 4],
      [200, 5],
    ] as const) {
      const { A, c } = randomCase(n, seed);
      const got = iim(A, c).q;
      const want = inverseRoute(A, c);
      for (let i = 0; i < n; i++) expect(Math.abs(got[i]! - want[i]!), `n=${n} i=${i}`).toBeLessThan(1e-9);
    }
  });

  const py = pythonReference();
  it.skipIf(!py.ok)(`equals numpy.linalg.solve to 1e-9${py.ok ? '' : ` (skipped: ${py.reason})`}`, () => {
    const cases = [3, 10, 50, 150, 400].map((n, i) => randomCase(n, 100 + i));
    const want = runPython<number[][]>(NUMPY_IIM, cases);
    cases.forEach((cs, k) => {
      const got = iim(cs.A, cs.c).q;
      got.forEach((v, i) => expect(Math.abs(v - want[k]![i]!)).toBeLessThan(1e-9));
    });
  });

  it('refuses malformed and singular input with VALIDATION', () => {
    const bad = (f: () => unknown): void => {
      try {
        f();
        expect.unreachable();
      } catch (err) {
        expect(isAppError(err, 'VALIDATION')).toBe(true);
      }
    };
    bad(() => iim([[0, 1]], [1]));
    bad(() => iim([[0.5]], [1, 2]));
    bad(() => iim([[Number.NaN]], [1]));
    bad(() => iim([[1]], [1]));
    bad(() => iim([], []));
  });

  it('the default sector matrix is invertible and energy hurts telecom and finance most', () => {
    const energy = SECTORS.indexOf('energy');
    const c = SECTORS.map((_s, i) => (i === energy ? 0.5 : 0));
    const { q, warnings } = iim(DEFAULT_SECTOR_MATRIX, c);
    expect(warnings).toEqual([]);
    expect(q.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(q[energy]).toBeGreaterThan(0.5);
    expect(q[SECTORS.indexOf('telecom')]).toBeGreaterThan(q[SECTORS.indexOf('health')]! * 0.5);
  });
});

describe('dynamic IIM', () => {
  it('with no coupling, decays as exp(−k t) and reaches 1 % of q(0) at the recovery time', () => {
    const series = dynamicIim([[0]], [0.4], { recovery: [20], steps: 20, q0: [0.4], perturbationSteps: 0 });
    const k = Math.log(100) / 20;
    expect(series[1]![0]).toBeCloseTo(0.4 - k * 0.4, 12);
    // The discrete form decays as (1 − k)^t, a little faster than e^(−kt).
    expect(series[20]![0]!).toBeLessThan(0.4 * 0.01 * 1.5);
    expect(series[20]![0]!).toBeGreaterThan(0);
  });

  it('converges to the static solution while the perturbation lasts', () => {
    const { A, c } = randomCase(6, 9, 0.6);
    const series = dynamicIim(A, c, { recovery: [5, 5, 5, 5, 5, 5], steps: 400, perturbationSteps: 400 });
    const q = iim(A, c).q;
    series[400]!.forEach((v, i) => expect(v).toBeCloseTo(q[i]!, 6));
  });

  it('recovers the default sectors after an energy outage', () => {
    const c = SECTORS.map((s) => (s === 'energy' ? 0.6 : 0));
    const series = dynamicIim(DEFAULT_SECTOR_MATRIX, c, {
      recovery: DEFAULT_RECOVERY_HOURS,
      steps: 240,
      perturbationSteps: 12,
    });
    const peakTelecom = Math.max(...series.map((q) => q[1]!));
    expect(peakTelecom).toBeGreaterThan(0.05);
    expect(series[240]!.every((v) => v < 0.01)).toBe(true);
  });
});

describe('interdependencyFromIo', () => {
  it('A*_ij = z_ij / x_i', () => {
    expect(
      interdependencyFromIo(
        [
          [10, 20],
          [30, 0],
        ],
        [100, 60],
      ),
    ).toEqual([
      [0.1, 0.2],
      [0.5, 0],
    ]);
  });
});
