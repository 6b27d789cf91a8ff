import { describe, expect, it } from 'vitest';
import { alert, ROLES_T1, T0, world } from '../internal/fixtures.js';
import { alertClosures, caseMetrics, tenantMetrics } from './metrics.js';

const MIN = 60_000;

describe('case metrics', () => {
  it('measures detect, acknowledge, contain and resolve, and their means per bucket', () => {
    const w = world();
    const { analyst } = ROLES_T1;
    const ids = w.ingest([
      alert({ time: T0, entities: ['host=A', 'user=a'] }),
      alert({ time: T0 + 5 * MIN, entities: ['host=B', 'user=b'] }),
    ]);
    // The builder stamped both incidents at the clock's time: one hour after the first alert.
    const c1 = w.cases.create(analyst, { incidents: [ids[0] ?? ''], template: 'none' });
    const c2 = w.cases.create(analyst, { incidents: [ids[1] ?? ''], template: 'none' });
    w.clock.now += 10 * MIN;
    w.cases.transition(analyst, c1.id, { status: 'in-progress' });
    w.clock.now += 10 * MIN;
    w.cases.transition(analyst, c1.id, { status: 'contained' });
    w.clock.now += 10 * MIN;
    const done = w.cases.transition(analyst, c1.id, { status: 'resolved', resolution: 'true-positive' });
    expect(caseMetrics(done)).toEqual({ ttd: 60 * MIN, tta: 10 * MIN, ttc: 20 * MIN, ttr: 30 * MIN });
    w.cases.transition(analyst, c2.id, { status: 'closed', resolution: 'false-positive' });
    const all = w.cases.store.all(analyst);
    const m = tenantMetrics(all, { from: T0, to: T0 + 4 * 3_600_000 - 1, buckets: 4 }, w.clock.now);
    expect(m.cases).toBe(2);
    expect(m.byResolution).toMatchObject({ 'true-positive': 1, 'false-positive': 1 });
    expect(m.mttd).toBe(57.5 * MIN);
    expect(m.mtta).toBe(20 * MIN);
    expect(m.mttc).toBe(20 * MIN);
    expect(m.mttr).toBe(30 * MIN);
    expect(m.buckets.map((b) => b.cases)).toEqual([0, 2, 0, 0]);
    expect(c2.detectedAt).toBe(T0 + 3_600_000);
  });
});

describe('alert closures', () => {
  it('counts alerts closed in the queue and with their case, each alert once', () => {
    const out = alertClosures(
      [
        { id: 'a1', reason: 'false-positive' },
        { id: 'a2', reason: 'false-positive' },
        { id: 'a3', reason: '' },
      ],
      ['a3', 'a4', 'a5'],
    );
    expect(out).toEqual({
      closed: 5,
      inQueue: 3,
      inCases: 3,
      byReason: { 'false-positive': 2, unspecified: 1 },
    });
    expect(alertClosures([], [])).toEqual({ closed: 0, inQueue: 0, inCases: 0, byReason: {} });
  });
});
