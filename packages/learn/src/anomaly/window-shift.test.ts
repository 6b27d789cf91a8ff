import { describe, expect, it } from 'vitest';
import { createWindowShift } from './window-shift.js';

/** A noisy level (deterministic): 100 ± up to 10. */
function noisy(rows: number): number[] {
  return Array.from({ length: rows }, (_, i) => 100 + (((i * 37) % 21) - 10));
}
const options = { window: 20, alpha: 1 / 400, zmax: 5 };

describe('window-shift detector', () => {
  it('stays at 0 until it has estimates, stays low on the usual noise, and saturates when the series goes flat', () => {
    const values = [...noisy(1000), ...Array.from({ length: 100 }, () => 100)];
    const d = createWindowShift(options);
    const scores = values.map((v) => d.update(v));
    // 20 values for the first window, 20 more before it enters the estimates, 20 windows in.
    expect(scores.slice(0, 59).every((s) => s === 0)).toBe(true);
    expect(Math.max(...scores.slice(200, 1000))).toBeLessThan(0.5);
    // Flat at the usual mean: no new level, but the spread collapses.
    expect(Math.max(...scores.slice(1000, 1040))).toBe(1);
  });

  it('sees a level drift inside the usual range through the window mean', () => {
    const values = [...noisy(1000), ...noisy(100).map((v) => v + 6)];
    const d = createWindowShift(options);
    const scores = values.map((v) => d.update(v));
    expect(Math.max(...scores.slice(200, 1000))).toBeLessThan(0.5);
    expect(Math.max(...scores.slice(1000, 1040))).toBeGreaterThan(0.9);
  });

  it('continues from a snapshot exactly as without the restart', () => {
    const values = [...noisy(600), ...noisy(100).map((v) => v * 2)];
    const whole = createWindowShift(options);
    const expected = values.map((v) => whole.update(v));
    const first = createWindowShift(options);
    const got = values.slice(0, 450).map((v) => first.update(v));
    const state = JSON.parse(JSON.stringify(first.snapshot())) as ReturnType<typeof first.snapshot>;
    const second = createWindowShift(options, state);
    got.push(...values.slice(450).map((v) => second.update(v)));
    expect(got).toEqual(expected);
  });
});
