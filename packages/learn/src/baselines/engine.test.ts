import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SocEvent } from '@intersoc/core';
import { BaselineEngine, type BaselineHit } from './engine.js';
import { BaselineObserver } from './observe.js';
import { DAY_MS, HOUR_MS, type BaselineSettings, type RateObservation } from './types.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmpFile(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'intersoc-baselines-'));
  dirs.push(d);
  return path.join(d, 'baselines.db');
}

const T0 = Date.UTC(2026, 0, 5, 9); // a Monday, 09:00 UTC
let seq = 0;

function event(
  tenant: string,
  time: number,
  ecs: Record<string, string | number>,
  fields: Record<string, string> = {},
): SocEvent {
  return {
    id: `e${++seq}`,
    time,
    ingested: time,
    tenant,
    source: { format: 'windows', kind: 'file', name: 't' },
    raw: '',
    fields,
    ecs,
  };
}

function spawn(tenant: string, time: number, host: string, parent: string, child: string): SocEvent {
  return event(tenant, time, {
    'host.name': host,
    'event.code': '1',
    'event.action': 'process-created',
    'process.name': child,
    'process.parent.name': parent,
    'process.command_line': `${child} -x`,
    'user.name': 'alice',
  });
}

function logon(tenant: string, time: number, user: string, ip: string, type: string, host = 'dc-01'): SocEvent {
  return event(
    tenant,
    time,
    {
      'host.name': host,
      'event.code': '4624',
      'event.category': 'authentication',
      'event.outcome': 'success',
      'user.name': user,
      'source.ip': ip,
    },
    { LogonType: type },
  );
}

/**
 * Runs events through a parse thread's observer and the stage, as the pipeline does; returns the
 * novelty alerts. (These histories stop after eight days, so the hosts also fall silent: the
 * silence alerts are tested in silence.test.ts.)
 */
function run(engine: BaselineEngine, events: readonly SocEvent[]): BaselineHit[] {
  const obs = new BaselineObserver();
  obs.detect(events);
  return engine.push(obs.takeObservations()).filter((h) => !h.alert.detector.ruleId.startsWith('baseline:silence'));
}

const FAST: Partial<BaselineSettings> = { warmupDays: 7, warmupObservations: 20 };

/** Eight days of a host's ordinary process starts. */
function history(tenant: string, host: string, from = T0): SocEvent[] {
  const out: SocEvent[] = [];
  for (let d = 0; d < 8; d++)
    for (let i = 0; i < 5; i++) {
      out.push(spawn(tenant, from + d * DAY_MS + i * HOUR_MS, host, 'explorer.exe', 'chrome.exe'));
      out.push(spawn(tenant, from + d * DAY_MS + i * HOUR_MS + 1000, host, 'services.exe', 'svchost.exe'));
    }
  return out;
}

describe('novelty baselines', () => {
  it('learns silently during warm-up, then alerts once on a new parent → child pair, with its history', () => {
    const engine = new BaselineEngine(tmpFile(), FAST);
    // Day 1: a pair that is new but the host is still warming up: no alert.
    const early = run(engine, [
      ...history('acme', 'wks-04').slice(0, 10),
      spawn('acme', T0 + 6 * HOUR_MS, 'wks-04', 'WINWORD.EXE', 'cmd.exe'),
    ]);
    expect(early).toEqual([]);
    expect(run(engine, history('acme', 'wks-04').slice(10))).toEqual([]);
    const when = T0 + 30 * DAY_MS;
    const hits = run(engine, [
      spawn('acme', when, 'wks-04', 'WINWORD.EXE', 'powershell.exe'),
      spawn('acme', when + 1000, 'wks-04', 'WINWORD.EXE', 'powershell.exe'),
      // Learned during warm-up: not new.
      spawn('acme', when + 2000, 'wks-04', 'winword.exe', 'CMD.EXE'),
    ]);
    expect(hits).toHaveLength(1);
    const a = hits[0]?.alert;
    expect(a?.summary).toContain('first time in 30 days that WINWORD.EXE started powershell.exe on wks-04');
    expect(a?.summary).toContain('81 process starts, 3 distinct');
    expect(a?.techniques).toEqual(['T1059.001', 'T1204.002']);
    expect(a?.entities).toContainEqual({ type: 'host', value: 'wks-04' });
    expect(a?.detector.ruleId).toBe('baseline:process-pair');
    const b = (a?.details as { baseline: { history: { days: number; observations: number } } }).baseline;
    expect(b.history).toMatchObject({ days: 30, observations: 81 });
    // Seen once, known from then on.
    expect(run(engine, [spawn('acme', when + DAY_MS, 'wks-04', 'WINWORD.EXE', 'powershell.exe')])).toEqual([]);
    engine.close();
  });

  it('judges the same stream the same way however it is batched', () => {
    const stream = [
      ...history('acme', 'wks-04').slice(0, 18),
      spawn('acme', T0 + 8 * DAY_MS, 'wks-04', 'explorer.exe', 'chrome.exe'),
      spawn('acme', T0 + 8 * DAY_MS + 1, 'wks-04', 'explorer.exe', 'notepad.exe'),
      spawn('acme', T0 + 8 * DAY_MS + 2, 'wks-04', 'explorer.exe', 'chrome.exe'),
      spawn('acme', T0 + 8 * DAY_MS + 3, 'wks-04', 'explorer.exe', 'mspaint.exe'),
    ];
    // 19 observations before notepad (warm-up needs 20), 21 before mspaint: only mspaint alerts.
    const once = run(new BaselineEngine(tmpFile(), FAST), stream).map((h) => h.alert.summary);
    const single = new BaselineEngine(tmpFile(), FAST);
    const oneByOne = stream.flatMap((e) => run(single, [e])).map((h) => h.alert.summary);
    expect(once).toEqual(oneByOne);
    expect(once).toHaveLength(1);
    expect(once[0]).toContain('started mspaint.exe');
  });

  it('keeps its baselines across a restart', () => {
    const file = tmpFile();
    const first = new BaselineEngine(file, FAST);
    run(first, history('acme', 'wks-04'));
    first.close();
    const second = new BaselineEngine(file, FAST);
    const t = T0 + 9 * DAY_MS;
    expect(run(second, [spawn('acme', t, 'wks-04', 'explorer.exe', 'chrome.exe')])).toEqual([]);
    const hits = run(second, [spawn('acme', t + 1, 'wks-04', 'explorer.exe', 'rundll32.exe')]);
    expect(hits.map((h) => h.alert.techniques)).toEqual([['T1218.011']]);
    expect(hits[0]?.alert.summary).toContain('81 process starts');
    second.close();
  });

  it('learns from each tenant’s own events only', () => {
    const engine = new BaselineEngine(tmpFile(), FAST);
    run(engine, history('acme', 'wks-04'));
    run(engine, [...history('other', 'wks-04'), spawn('other', T0, 'wks-04', 'WINWORD.EXE', 'powershell.exe')]);
    const t = T0 + 10 * DAY_MS;
    // acme never saw the pair that `other` knows: new for acme, known for other.
    const hits = run(engine, [
      spawn('acme', t, 'wks-04', 'WINWORD.EXE', 'powershell.exe'),
      spawn('other', t, 'wks-04', 'WINWORD.EXE', 'powershell.exe'),
    ]);
    expect(hits.map((h) => h.tenant)).toEqual(['acme']);
    // A third tenant's host is not warmed by the others' history.
    expect(run(engine, [spawn('third', t, 'wks-04', 'WINWORD.EXE', 'mshta.exe')])).toEqual([]);
    expect(engine.size('third').entities).toBe(1);
    engine.close();
  });

  it('alerts on a user’s first logon from a new address or with a new logon type', () => {
    const engine = new BaselineEngine(tmpFile(), FAST);
    const seen: SocEvent[] = [];
    for (let d = 0; d < 8; d++)
      for (let i = 0; i < 4; i++) seen.push(logon('acme', T0 + d * DAY_MS + i * HOUR_MS, 'bob', '10.0.0.5', '3'));
    // Machine accounts are nobody's behaviour: never baselined.
    seen.push(logon('acme', T0, 'WKS-04$', '10.0.0.9', '3'));
    expect(run(engine, seen)).toEqual([]);
    const t = T0 + 9 * DAY_MS;
    const hits = run(engine, [
      logon('acme', t, 'bob', '203.0.113.7', '10'),
      logon('acme', t, 'WKS-04$', '203.0.113.7', '10'),
    ]);
    const byRule = new Map(hits.map((h) => [h.alert.detector.ruleId, h.alert]));
    expect([...byRule.keys()].sort()).toEqual(['baseline:logon-source', 'baseline:logon-type']);
    expect(byRule.get('baseline:logon-source')?.summary).toContain('first logon of bob from 203.0.113.7 in 9 days');
    expect(byRule.get('baseline:logon-type')?.summary).toContain('logon type 10 (RemoteInteractive)');
    expect(byRule.get('baseline:logon-type')?.techniques).toContain('T1021.001');
    engine.close();
  });

  it('alerts on a new service or scheduled task name on a host', () => {
    const engine = new BaselineEngine(tmpFile(), { warmupDays: 1, warmupObservations: 2 });
    const svc = (time: number, name: string): SocEvent =>
      event(
        'acme',
        time,
        { 'host.name': 'srv-01', 'event.code': '7045' },
        { ServiceName: name, ImagePath: `C:\\${name}.exe` },
      );
    const task = (time: number, name: string): SocEvent =>
      event('acme', time, { 'host.name': 'srv-01', 'event.code': '4698' }, { TaskName: name });
    expect(
      run(engine, [svc(T0, 'Spooler'), svc(T0 + 1, 'WinDefend'), task(T0, '\\Backup'), task(T0 + 1, '\\Update')]),
    ).toEqual([]);
    const t = T0 + 2 * DAY_MS;
    const hits = run(engine, [svc(t, 'Spooler'), svc(t, 'GruntSvc'), task(t, '\\Backup'), task(t, '\\Evil')]);
    expect(hits.map((h) => [h.alert.detector.ruleId, h.alert.techniques[0]])).toEqual([
      ['baseline:service', 'T1543.003'],
      ['baseline:task', 'T1053.005'],
    ]);
    expect(hits[0]?.alert.summary).toContain('service GruntSvc was installed on srv-01');
    engine.close();
  });

  it('stays within its caps and forgets what expired', () => {
    const engine = new BaselineEngine(tmpFile(), {
      warmupDays: 0,
      warmupObservations: 1,
      maxItemsPerEntity: 3,
      maxEntities: 2,
      expireDays: 30,
    });
    const pairs = ['a.exe', 'b.exe', 'c.exe', 'd.exe', 'e.exe'].map((c, i) => spawn('acme', T0 + i, 'h1', 'p.exe', c));
    run(engine, pairs);
    expect(engine.size('acme').items).toBe(3);
    run(engine, [spawn('acme', T0 + 10, 'h2', 'p.exe', 'a.exe'), spawn('acme', T0 + 20, 'h3', 'p.exe', 'a.exe')]);
    // Two hosts at most: h1 (least recently seen) went, with its items.
    expect(engine.size('acme').entities).toBe(2);
    // 31 days later, h3's pair is forgotten: it is new again.
    const later = T0 + 31 * DAY_MS;
    run(engine, [spawn('acme', later, 'h2', 'p.exe', 'z.exe')]);
    const again = run(engine, [spawn('acme', later + 1, 'h2', 'p.exe', 'a.exe')]);
    expect(again.map((h) => h.alert.detector.ruleId)).toEqual(['baseline:process-pair']);
    engine.close();
  });
});

describe('rate baselines', () => {
  const rate = (tenant: string, hour: number, count: number): RateObservation => ({
    type: 'rate',
    tenant,
    kind: 'host',
    entity: 'wks-04',
    hour,
    count,
    eventIds: [`r${hour}`],
  });
  /** Busy office hours, quiet nights, a little noise. */
  const usual = (hour: number): number => {
    const h = hour % 24;
    return (h >= 8 && h < 18 ? 200 : 12) + ((hour * 7919) % 11);
  };

  it('alerts when an hour leaves its hour-of-week band, in either direction', () => {
    const engine = new BaselineEngine(tmpFile(), { warmupDays: 7 });
    const h0 = Math.floor(T0 / HOUR_MS);
    const all: BaselineHit[] = [];
    for (let h = h0; h < h0 + 28 * 24; h++) all.push(...engine.push([rate('acme', h, usual(h))]));
    expect(all).toEqual([]);
    const at = h0 + 28 * 24 + 2; // a Monday 11:00: busy hours
    const spike = engine.push([rate('acme', at, 2_000)]);
    expect(spike).toHaveLength(1);
    expect(spike[0]?.alert.summary).toMatch(
      /2000 events so far in Mon .* 11:00–11:59 UTC, above its band \d+–\d+ \(expected 20\d\), learned from the same hour on 4 previous Mons/,
    );
    // The next hours are ordinary: no alert, and the spike does not repeat.
    expect(engine.push([rate('acme', at, 10), rate('acme', at + 1, usual(at + 1))])).toEqual([]);
    // A busy hour that is nearly silent alerts when it closes.
    const quiet = at + 2;
    expect(engine.push([rate('acme', quiet, 3)])).toEqual([]);
    const low = engine.push([rate('acme', quiet + 1, usual(quiet + 1))]);
    expect(low.map((h) => (h.alert.details as { baseline: { direction: string } }).baseline.direction)).toEqual([
      'below',
    ]);
    // Another tenant's identical host learned nothing yet.
    expect(engine.push([rate('other', at, 2_000)])).toEqual([]);
    engine.close();
  });

  it('counts events per host and user and hour in the parse thread', () => {
    const obs = new BaselineObserver();
    obs.detect([
      logon('acme', T0, 'bob', '10.0.0.5', '3', 'dc-01'),
      logon('acme', T0 + 1, 'bob', '10.0.0.5', '3', 'dc-01'),
      logon('acme', T0 + HOUR_MS, 'SYSTEM', '10.0.0.5', '3', 'dc-01'),
    ]);
    const rates = obs.takeObservations().filter((o): o is RateObservation => o.type === 'rate');
    expect(rates.map((r) => [r.kind, r.entity, r.count])).toEqual([
      ['host', 'dc-01', 2],
      ['source', 'dc-01/windows', 2],
      ['user', 'bob', 2],
      ['host', 'dc-01', 1],
      ['source', 'dc-01/windows', 1],
    ]);
    expect(obs.takeObservations()).toEqual([]);
  });
});
