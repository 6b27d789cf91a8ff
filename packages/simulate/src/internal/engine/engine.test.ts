import { describe, expect, it } from 'vitest';
import { TimeHeap } from './heap.js';
import { Rng } from './prng.js';
import { Ctx, Scheduler, type Script } from './scheduler.js';
import { daySchedule, isWeekend, workFactor } from './rhythm.js';

describe('Rng', () => {
  it('repeats for the same seed and stream, differs otherwise', () => {
    const draw = (r: Rng): number[] => Array.from({ length: 8 }, () => r.u32());
    expect(draw(new Rng(1, 'a'))).toEqual(draw(new Rng(1, 'a')));
    expect(draw(new Rng(1, 'a'))).not.toEqual(draw(new Rng(2, 'a')));
    expect(draw(new Rng(1, 'a'))).not.toEqual(draw(new Rng(1, 'b')));
    expect(draw(new Rng(1, 'a').fork('x'))).toEqual(draw(new Rng(1, 'a/x')));
  });

  it('stays within bounds and covers them', () => {
    const r = new Rng(3, 'bounds');
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) {
      const v = r.int(2, 6);
      expect(v).toBeGreaterThanOrEqual(2);
      expect(v).toBeLessThanOrEqual(6);
      seen.add(v);
      const f = r.next();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
    }
    expect([...seen].sort()).toEqual([2, 3, 4, 5, 6]);
    expect(r.hex(12)).toMatch(/^[0-9a-f]{12}$/);
    expect(r.base62(17)).toMatch(/^[0-9A-Za-z]{17}$/);
  });

  it('draws exponential gaps around their mean', () => {
    const r = new Rng(4, 'exp');
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += r.exp(100);
    expect(sum / 20_000).toBeGreaterThan(90);
    expect(sum / 20_000).toBeLessThan(110);
  });
});

describe('TimeHeap', () => {
  it('pops by time, then by insertion order', () => {
    const h = new TimeHeap<{ t: number; seq: number }>();
    const items = [5, 1, 3, 1, 9, 0, 3].map((t, seq) => ({ t, seq }));
    for (const it of items) h.push(it);
    const out: string[] = [];
    for (let it = h.pop(); it !== undefined; it = h.pop()) out.push(`${it.t}:${it.seq}`);
    expect(out).toEqual(['0:5', '1:1', '1:3', '3:2', '3:6', '5:0', '9:4']);
  });
});

describe('Scheduler', () => {
  it('interleaves actors in time order and drops what falls outside the window', () => {
    const sim = new Scheduler(1_000, 2_000);
    function* ticker(ctx: Ctx, step: number): Script {
      for (;;) {
        ctx.emit(0, { kind: 'zeek', log: 'conn', us: 0, body: `"step":${step}` });
        yield step;
      }
    }
    for (const step of [300, 250]) {
      const ctx = new Ctx(sim, new Rng(1, String(step)), undefined, 1);
      sim.start(ctx, ticker(ctx, step), 1_000);
    }
    const times = [...sim.run()].map((e) => e.t);
    expect(times).toEqual([1_000, 1_000, 1_250, 1_300, 1_500, 1_600, 1_750, 1_900]);
  });
});

describe('working-day rhythm', () => {
  it('is busy on weekday mornings and quiet at night and on weekends', () => {
    const monday = Date.UTC(2024, 4, 6);
    expect(workFactor(monday + 10 * 3_600_000)).toBe(1);
    expect(workFactor(monday + 3 * 3_600_000)).toBeLessThan(0.1);
    expect(isWeekend(monday - 86_400_000)).toBe(true);
    expect(workFactor(monday - 14 * 3_600_000)).toBeLessThan(0.1);
  });

  it('gives each person a stable schedule per day', () => {
    const day = Date.UTC(2024, 4, 7, 12);
    const a = daySchedule(new Rng(1, 'p'), day);
    expect(daySchedule(new Rng(1, 'p'), day - 6 * 3_600_000)).toEqual(a);
    if (a.on !== a.off) {
      expect(a.off).toBeGreaterThan(a.on);
      expect(new Date(a.on).getUTCHours()).toBeGreaterThanOrEqual(7);
    }
  });
});
