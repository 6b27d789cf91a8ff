import { describe, expect, it } from 'vitest';
import type { FlatFields } from '@intersoc/core';
import { EventView } from '../compile/event-view.js';
import { fieldValueOf } from '../detector/sigma-detector.js';
import { ruleSetFrom } from '../internal/fixtures.js';
import type { SigmaRuleSet } from '../ruleset/rule-set.js';
import { CorrelationEngine, type CorrelationHit } from './engine.js';

const base = `title: Failed logon
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource: { product: windows, service: security }
detection:
    selection:
        EventID: [529, 4625]
    condition: selection
---
title: Successful logon
id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8
name: successful_login
logsource: { product: windows, service: security }
detection:
    selection:
        EventID: [528, 4624]
    condition: selection
---
title: Network share
id: 5d0a2c83-c62c-4ed4-b475-c7e23a9269b8
name: share_access
logsource: { product: windows, service: security }
detection:
    selection:
        EventID: 5140
    condition: selection
`;

const correlation = (body: string) =>
  `${base}---\ntitle: Correlation\nid: 0e95725d-7320-415d-80f7-004da920fc11\nlevel: high\n${body}`;

const MIN = 60_000;

/** Runs events (time in minutes, fields) through a rule set and its correlations. */
function run(
  set: SigmaRuleSet,
  events: readonly [number, FlatFields][],
  engine = new CorrelationEngine(set.correlations),
): CorrelationHit[] {
  const hits: CorrelationHit[] = [];
  events.forEach(([minute, fields], i) => {
    const view = new EventView({ fields: { Channel: 'Security', ...fields } });
    for (const rule of set.match(view)) {
      hits.push(
        ...engine.push({ source: rule.key, time: minute * MIN, eventIds: [`e${i}`], value: fieldValueOf(view) }),
      );
    }
  });
  return [...hits, ...engine.flush()];
}

const failed = (user: string, extra: FlatFields = {}): FlatFields => ({
  EventID: 4625,
  TargetUserName: user,
  ...extra,
});
const success = (user: string, extra: FlatFields = {}): FlatFields => ({
  EventID: 4624,
  TargetUserName: user,
  ...extra,
});

describe('event_count', () => {
  const { ruleSet } = ruleSetFrom(
    correlation(`correlation:
    type: event_count
    rules: [failed_login]
    group-by: [TargetUserName]
    timespan: 10m
    condition:
        gte: 3
`),
  );

  it('fires on any 3 matches within a sliding 10 minutes, per group', () => {
    const hits = run(ruleSet, [
      [0, failed('bob')],
      [8, failed('bob')],
      [9, failed('alice')],
      [12, failed('bob')], // window 8..12 holds only 2 bob matches + the one at 0 expired? 0 is > 10m before 12
      [13, failed('bob')], // 8, 12, 13: three within 10 minutes
    ]);
    expect(hits).toHaveLength(1);
    expect(hits[0]?.groupValues).toEqual({ TargetUserName: 'bob' });
    expect(hits[0]?.eventIds).toEqual(['e1', 'e3', 'e4']);
    expect(hits[0]?.value).toBe(3);
  });

  it('silences the base rule (generate: false) but still feeds the correlation', () => {
    expect(ruleSet.rules.find((r) => r.name === 'failed_login')?.alert).toBe(false);
    expect(ruleSet.rules.find((r) => r.name === 'successful_login')?.alert).toBe(true);
    expect(ruleSet.correlations[0]?.alert).toBe(true);
  });

  it('a lt condition is evaluated when the window closes', () => {
    const few = ruleSetFrom(
      correlation(`correlation:
    type: event_count
    rules: [failed_login]
    group-by: [TargetUserName]
    timespan: 10m
    condition:
        lt: 2
`),
    ).ruleSet;
    const hits = run(few, [
      [0, failed('bob')],
      [1, failed('alice')],
      [2, failed('alice')],
      [30, failed('carol')],
    ]);
    expect(hits.map((h) => h.groupValues['TargetUserName']).sort()).toEqual(['bob', 'carol']);
  });
});

describe('value_count', () => {
  it('counts distinct values per group', () => {
    const { ruleSet } = ruleSetFrom(
      correlation(`correlation:
    type: value_count
    rules: [failed_login]
    group-by: [IpAddress]
    timespan: 5m
    condition:
        field: TargetUserName
        gte: 3
`),
    );
    const hits = run(ruleSet, [
      [0, failed('a', { IpAddress: '10.0.0.9' })],
      [1, failed('a', { IpAddress: '10.0.0.9' })],
      [2, failed('b', { IpAddress: '10.0.0.9' })],
      [3, failed('c', { IpAddress: '10.0.0.8' })],
      [4, failed('c', { IpAddress: '10.0.0.9' })],
    ]);
    expect(hits).toHaveLength(1);
    expect(hits[0]?.groupValues).toEqual({ IpAddress: '10.0.0.9' });
    expect(hits[0]?.value).toBe(3);
  });
});

describe('temporal and temporal_ordered', () => {
  const temporal = (type: string) =>
    ruleSetFrom(
      correlation(`correlation:
    type: ${type}
    rules: [successful_login, share_access]
    group-by: [TargetUserName]
    timespan: 5m
`),
    ).ruleSet;

  it('temporal needs every rule within the timespan, in any order', () => {
    const set = temporal('temporal');
    expect(
      run(set, [
        [0, { EventID: 5140, TargetUserName: 'bob' }],
        [3, success('bob')],
      ]),
    ).toHaveLength(1);
    expect(
      run(set, [
        [0, { EventID: 5140, TargetUserName: 'bob' }],
        [9, success('bob')],
      ]),
    ).toHaveLength(0);
    expect(
      run(set, [
        [0, { EventID: 5140, TargetUserName: 'bob' }],
        [1, success('eve')],
      ]),
    ).toHaveLength(0);
  });

  it('temporal_ordered needs them in the order listed', () => {
    const set = temporal('temporal_ordered');
    expect(
      run(set, [
        [0, success('bob')],
        [3, { EventID: 5140, TargetUserName: 'bob' }],
      ]),
    ).toHaveLength(1);
    expect(
      run(set, [
        [0, { EventID: 5140, TargetUserName: 'bob' }],
        [3, success('bob')],
      ]),
    ).toHaveLength(0);
  });

  it('aliases map different fields of different rules onto one group key', () => {
    const { ruleSet } = ruleSetFrom(
      correlation(`correlation:
    type: temporal
    rules: [failed_login, share_access]
    group-by: [account]
    timespan: 5m
    aliases:
        account:
            failed_login: TargetUserName
            share_access: SubjectUserName
`),
    );
    const hits = run(ruleSet, [
      [0, failed('bob')],
      [1, { EventID: 5140, SubjectUserName: 'bob' }],
    ]);
    expect(hits).toHaveLength(1);
    expect(hits[0]?.groupValues).toEqual({ account: 'bob' });
  });
});

describe('value_sum, value_avg, value_percentile', () => {
  const metric = (type: string, cond: string) =>
    ruleSetFrom(
      correlation(`correlation:
    type: ${type}
    rules: [share_access]
    group-by: [SubjectUserName]
    timespan: 1h
    condition:
${cond}`),
    ).ruleSet;
  const share = (user: string, bytes: number | string): FlatFields => ({
    EventID: 5140,
    SubjectUserName: user,
    Bytes: bytes,
  });

  it('value_sum fires once the sum passes the threshold', () => {
    const set = metric('value_sum', '        field: Bytes\n        gt: 1000\n');
    const hits = run(set, [
      [0, share('bob', 400)],
      [10, share('bob', 500)],
      [20, share('bob', 200)],
      [21, share('eve', 5000)],
    ]);
    expect(hits.map((h) => [h.groupValues['SubjectUserName'], h.value])).toEqual([
      ['bob', 1100],
      ['eve', 5000],
    ]);
  });

  it('value_avg compares the window average when the window closes', () => {
    const set = metric('value_avg', '        field: Bytes\n        gt: 500\n');
    const hits = run(set, [
      [0, share('bob', 400)],
      [10, share('bob', 700)],
      [0, share('eve', 100)],
      [5, share('eve', 200)],
    ]);
    expect(hits.map((h) => [h.groupValues['SubjectUserName'], h.value])).toEqual([['bob', 550]]);
  });

  it('value_percentile flags rare values (share of the window, in percent)', () => {
    const set = metric('value_percentile', '        field: ShareName\n        lte: 10\n');
    const events: [number, FlatFields][] = [];
    for (let i = 0; i < 20; i++) events.push([i, { EventID: 5140, SubjectUserName: 'bob', ShareName: '\\\\*\\IPC$' }]);
    events.push([21, { EventID: 5140, SubjectUserName: 'bob', ShareName: '\\\\*\\ADMIN$' }]);
    const hits = run(set, events);
    expect(hits).toHaveLength(1);
    expect(hits[0]?.eventIds.length).toBeGreaterThan(0);
    expect(hits[0]?.value).toBeCloseTo((1 / 21) * 100);
  });

  it('value_percentile with a percentile key compares that percentile of the numbers', () => {
    const set = metric('value_percentile', '        field: Bytes\n        percentile: 90\n        gte: 900\n');
    const events: [number, FlatFields][] = Array.from({ length: 10 }, (_, i) => [i, share('bob', (i + 1) * 100)]);
    const hits = run(set, events);
    expect(hits.map((h) => h.value)).toEqual([900]);
  });
});

describe('chaining (the specification example)', () => {
  const spec = `title: Correlation - Multiple Failed Logins Followed by Successful Login
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
level: high
correlation:
    type: temporal_ordered
    rules:
        - multiple_failed_login
        - successful_login
    group-by:
        - TargetUserName
    timespan: 10m
---
title: Multiple failed logons
id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
name: multiple_failed_login
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - TargetUserName
    timespan: 10m
    condition:
        gte: 10
---
${base}`;

  it('fires only for the brute-forced account and silences the intermediate rules', () => {
    const { ruleSet } = ruleSetFrom(spec);
    const events: [number, FlatFields][] = [];
    for (let i = 0; i < 10; i++) events.push([i * 0.5, failed('bob')]);
    for (let i = 0; i < 3; i++) events.push([i, failed('alice')]);
    events.push([6, success('alice')], [7, success('bob')]);
    const hits = run(ruleSet, events);
    const alerting = hits
      .filter((h) => h.correlation.alert)
      .map((h) => [h.correlation.title, h.groupValues['TargetUserName']]);
    expect(alerting).toEqual([['Correlation - Multiple Failed Logins Followed by Successful Login', 'bob']]);
    expect(ruleSet.correlations.find((c) => c.name === 'multiple_failed_login')?.alert).toBe(false);
  });

  it('rejects unknown references and cycles with a reason', () => {
    const r = ruleSetFrom.bind(
      null,
      `${base}---\ntitle: C\ncorrelation:\n    type: temporal\n    rules: [failed_login, nope]\n    group-by: [x]\n    timespan: 1m\n`,
    );
    expect(r).toThrow(/references unknown rule "nope"/);
  });
});

describe('state', () => {
  it('is bounded by the timespan', () => {
    const { ruleSet } = ruleSetFrom(
      correlation(`correlation:
    type: event_count
    rules: [failed_login]
    group-by: [TargetUserName]
    timespan: 1m
    condition:
        gte: 100
`),
    );
    const engine = new CorrelationEngine(ruleSet.correlations);
    run(
      ruleSet,
      Array.from({ length: 50 }, (_, i) => [0, failed(`user${i}`)] as [number, FlatFields]),
      engine,
    );
    expect(engine.openGroups()).toBe(0); // flushed at the end
    const engine2 = new CorrelationEngine(ruleSet.correlations);
    const view = new EventView({ fields: { Channel: 'Security', ...failed('x') } });
    for (let i = 0; i < 50; i++)
      engine2.push({
        source: ruleSet.rules[0]?.key ?? '',
        time: 0,
        eventIds: [],
        value: (f) => (f === 'TargetUserName' ? `u${i}` : fieldValueOf(view)(f)),
      });
    expect(engine2.openGroups()).toBe(50);
    engine2.advance(5 * MIN);
    expect(engine2.openGroups()).toBe(0);
  });
});
