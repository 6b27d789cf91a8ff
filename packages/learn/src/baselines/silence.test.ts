import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BaselineEngine, type BaselineHit } from './engine.js';
import { HOUR_MS, type RateKind, type RateObservation } from './types.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmpFile(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'intersoc-silence-'));
  dirs.push(d);
  return path.join(d, 'baselines.db');
}

/** Monday 2026-01-05 00:00 UTC, in epoch hours. */
const H0 = Date.UTC(2026, 0, 5) / HOUR_MS;

type Counts = (hour: number) => readonly (readonly [RateKind, string, number])[];

function obs(tenant: string, hour: number, kind: RateKind, entity: string, count: number): RateObservation {
  return { type: 'rate', tenant, kind, entity, hour, count, eventIds: [`${entity}@${hour}`] };
}

/**
 * Pushes each hour's counts as a live node would (the wall clock half an hour into the hour), and
 * returns the silence alerts. Generated timestamps: nothing sleeps.
 */
function feed(engine: BaselineEngine, tenant: string, from: number, to: number, counts: Counts): BaselineHit[] {
  const out: BaselineHit[] = [];
  for (let h = from; h < to; h++) {
    const batch = counts(h)
      .filter(([, , n]) => n > 0)
      .map(([k, e, n]) => obs(tenant, h, k, e, n));
    out.push(...engine.push(batch, h * HOUR_MS + HOUR_MS / 2));
  }
  return out.filter((a) => a.alert.detector.ruleId.startsWith('baseline:silence'));
}

/** web-01 sends auditd (10 an hour) and syslog (100 an hour), around the clock, until `stop`. */
function webServer(stop = Infinity): Counts {
  return (h) => [
    ['host', 'web-01', h < stop ? 110 : 100],
    ['source', 'web-01/auditd', h < stop ? 10 : 0],
    ['source', 'web-01/syslog', 100],
  ];
}

const summary = (hits: readonly BaselineHit[]): string[] => hits.map((h) => h.alert.summary);

describe('silence baselines', () => {
  it('stays quiet during warm-up even when a steady source stops', () => {
    const engine = new BaselineEngine(tmpFile(), { warmupDays: 7 });
    const stop = H0 + 3 * 24;
    expect(feed(engine, 'acme', H0, stop + 48, webServer(stop))).toEqual([]);
    engine.close();
  });

  it('alerts once when a steady source stops while its host still reports, with the history it broke', () => {
    const engine = new BaselineEngine(tmpFile(), { warmupDays: 7 });
    const stop = H0 + 14 * 24 + 10; // Monday 2026-01-19 10:00
    expect(feed(engine, 'acme', H0, stop, webServer(stop))).toEqual([]);
    // 14 steady days: each hour's day slot had events in 14 of 14 past days, share (14 + 0.5) / 15
    // = 0.967 (the week slots have 2 weeks, fewer than the 3 they need). Each silent hour has a
    // chance of 1/30: two hours make 1/900 (> 1/1000), three 1/27,000. The third silent hour
    // (12:00) closes once the clock is past its hour of grace, at 14:00.
    expect(feed(engine, 'acme', stop, stop + 4, webServer(stop))).toEqual([]);
    const hits = feed(engine, 'acme', stop + 4, stop + 5, webServer(stop));
    expect(summary(hits)).toEqual([
      'auditd events from web-01: none for 3 hours (2026-01-19 10:00–12:59 UTC, last event in the hour from ' +
        '2026-01-19 09:00); the latest had events in 97% of the same hour on 14 previous days; chance of such a ' +
        'silence under that history 1 in 27,000 (14 days observed)',
    ]);
    expect(hits[0]?.alert.detector.ruleId).toBe('baseline:silence-source');
    expect(hits[0]?.alert.entities).toEqual([{ type: 'host', value: 'web-01' }]);
    // It opens what the source sent last: the first events of its 09:00 hour.
    expect(hits[0]?.alert.eventIds).toEqual([`web-01/auditd@${stop - 1}`]);
    // Once per stretch: a day more of silence raises nothing more.
    expect(feed(engine, 'acme', stop + 5, stop + 29, webServer(stop))).toEqual([]);
    // Another tenant with the same names has learned nothing of acme's.
    expect(feed(engine, 'other', stop - 48, stop + 29, webServer(stop))).toEqual([]);
    engine.close();
  });

  it('excuses nights and weekends of an office-hours host and alerts when it misses a Monday morning', () => {
    const engine = new BaselineEngine(tmpFile(), { warmupDays: 7 });
    const office = (h: number): boolean => {
      const day = Math.floor((h - H0) / 24) % 7;
      const hod = (h - H0) % 24;
      return day < 5 && hod >= 8 && hod < 18;
    };
    const monday = H0 + 5 * 7 * 24; // 2026-02-09
    const counts: Counts = (h) => [
      ['host', 'db-01', 50],
      ['host', 'app-01', h < monday && office(h) ? 80 : 0],
    ];
    // Five weeks: every night and weekend of app-01 is silent, and excused.
    expect(feed(engine, 'acme', H0, monday + 8, counts)).toEqual([]);
    // Monday: its week slots had events 5 weeks of 5, share 5.5 / 6 = 0.917; 08:00 and 09:00 make
    // (1/12)^2 = 1/144, 10:00 makes 1/1,728 < 1/1,000: the alert comes when 10:00 closes (at 12:00).
    expect(feed(engine, 'acme', monday + 8, monday + 12, counts)).toEqual([]);
    const hits = feed(engine, 'acme', monday + 12, monday + 13, counts);
    expect(summary(hits)).toEqual([
      'host app-01: none for 65 hours (2026-02-06 18:00–2026-02-09 10:59 UTC, last event in the hour from ' +
        '2026-02-06 17:00), 3 of them at hours when it steadily reported; the latest had events in 92% of the ' +
        'same hour of the week on 5 previous weeks; chance of such a silence under that history 1 in 1,700 ' +
        '(35 days observed)',
    ]);
    engine.close();
  });

  it('finds a live tenant that stopped sending altogether by the wall clock, once, for the host', () => {
    const engine = new BaselineEngine(tmpFile(), { warmupDays: 7 });
    const stop = H0 + 14 * 24 + 10;
    feed(engine, 'acme', H0, stop, webServer());
    // The last push came at 09:30 wall time with counts up to 09:59:59.999 event time (live). The
    // idle clock runs on from there: 13:30 wall is 13:59:59.999 on the tenant's clock, 1 ms more is
    // 14:00, when silent hours 10:00, 11:00 and 12:00 have closed: the host alerts (not also each
    // of its sources, which are excused while their host is down).
    expect(engine.idle(stop * HOUR_MS + 3.5 * HOUR_MS)).toEqual([]);
    const hits = engine.idle(stop * HOUR_MS + 3.5 * HOUR_MS + 1);
    expect(hits.map((h) => h.alert.detector.ruleId)).toEqual(['baseline:silence-host']);
    expect(hits[0]?.alert.summary).toMatch(/^host web-01: none for 3 hours \(2026-01-19 10:00–12:59 UTC/);
    expect(engine.idle(stop * HOUR_MS + 30 * HOUR_MS)).toEqual([]);
    engine.close();
  });

  it('does not call a replayed tenant silent because the replay ended long ago', () => {
    const engine = new BaselineEngine(tmpFile(), { warmupDays: 7 });
    const stop = H0 + 14 * 24;
    const wall = Date.UTC(2026, 11, 1);
    for (let h = H0; h < stop; h++)
      engine.push(
        webServer()(h).map(([k, e, n]) => obs('acme', h, k, e, n)),
        wall,
      );
    expect(engine.idle(wall + 48 * HOUR_MS)).toEqual([]);
    engine.close();
  });

  it('keeps a silent stretch across a restart', () => {
    const file = tmpFile();
    const stop = H0 + 14 * 24 + 10;
    const first = new BaselineEngine(file, { warmupDays: 7 });
    feed(first, 'acme', H0, stop + 4, webServer(stop)); // hours 10:00 and 11:00 closed: 1/900
    first.close();
    const second = new BaselineEngine(file, { warmupDays: 7 });
    const hits = feed(second, 'acme', stop + 4, stop + 5, webServer(stop));
    expect(hits.map((h) => h.alert.detector.ruleId)).toEqual(['baseline:silence-source']);
    expect(hits[0]?.alert.summary).toContain('none for 3 hours');
    second.close();
  });
});
