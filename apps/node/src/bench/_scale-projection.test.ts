import { describe, expect, it } from 'vitest';
import { machineTicks, procTicks } from './_proc-cpu.js';
import { projectCores, readScaleRun } from './_scale-projection.js';
import type { CpuReport } from './_proc-cpu.js';

function report(cpu: Record<string, number>, busyCores: number, wall = 10): CpuReport {
  const tracked = Object.values(cpu).reduce((a, b) => a + b, 0);
  return {
    wall_s: wall,
    cpu_s: cpu,
    processes: {},
    tracked_cpu_s: tracked,
    machine_busy_cpu_s: busyCores * wall,
    machine_busy_cores: busyCores,
    untracked_cpu_s: busyCores * wall - tracked,
    cores: 2,
    load_avg_start: 0,
    load_avg_end: 0,
  };
}

describe('bench scale reading', () => {
  it('turns CPU seconds into CPU per event and tells a saturated machine', () => {
    // 100,000 events: ingest 5 s, detect 10 s -> 50 and 100 us per event, 150 in all.
    const r = readScaleRun(100_000, 8_000, report({ ingest: 5, detect: 10 }, 1.98));
    expect(r.cpu_us_per_event).toEqual({ ingest: 50, detect: 100, total: 150 });
    expect(r.saturated).toBe('cpu');
    expect(r.pipeline_busy_cores).toBe(1.5);
    // 1.98 busy cores / 150 us per event = 13,200 events/s if all were pipeline work.
    expect(r.cpu_bound_events_per_s).toBe(13_200);
    expect(r.measured_vs_cpu_bound).toBeCloseTo(8_000 / 13_200, 3);
    expect(readScaleRun(100_000, 8_000, report({ ingest: 5 }, 1.2)).saturated).toBe('not cpu (idle cores left)');
  });

  it('projects cores until one ingest process is the bound', () => {
    const p = projectCores({ ingest: 50, detect: 100, total: 200 }, [2, 4, 8]);
    // 2 cores / 200 us = 10,000; 4 -> 20,000; one ingest process caps at 1 / 50 us = 20,000.
    expect(p.map((x) => x.events_per_s)).toEqual([10_000, 20_000, 20_000]);
    expect(p.map((x) => x.bound)).toEqual(['cpu of all parts', 'cpu of all parts', 'one ingest process']);
    // 10,000 events/s x 100 us of detect = 1 core; 20,000 -> 2 workers.
    expect(p.map((x) => x.detect_workers)).toEqual([1, 2, 2]);
  });

  it('reads this process and the machine from /proc (absent elsewhere)', () => {
    const me = procTicks(process.pid);
    const m = machineTicks();
    if (process.platform !== 'linux') {
      expect(me).toBeUndefined();
      return;
    }
    expect(me?.cpu).toBeGreaterThanOrEqual(0);
    expect(m && m.busy <= m.total).toBe(true);
    expect(procTicks(2 ** 31 - 1)).toBeUndefined();
  });
});
