import { describe, expect, it } from 'vitest';
import type { FlatFields, SocEvent } from '@intersoc/core';
import { ruleSetFrom } from '../internal/fixtures.js';
import { SigmaCorrelator } from './correlator.js';
import { SigmaDetector } from './sigma-detector.js';

const rules = `title: Brute force
id: 6e95725d-7320-415d-80f7-004da920fc11
level: high
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [TargetUserName]
    timespan: 10m
    condition:
        gte: 4
---
title: Failed logon
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource: { product: windows, service: security }
detection:
    selection:
        EventID: 4625
    condition: selection
`;

let n = 0;
function failed(minute: number, user: string, tenant = 'default'): SocEvent {
  const fields: FlatFields = { Channel: 'Security', EventID: 4625, TargetUserName: user, Computer: 'DC1' };
  return {
    id: `e${++n}`,
    time: Date.UTC(2024, 0, 1, 8, minute),
    ingested: 0,
    tenant,
    source: { format: 'windows', kind: 'file', name: 't' },
    raw: '',
    fields,
    ecs: {},
  };
}

describe('SigmaCorrelator (correlations split from detect threads)', () => {
  it('correlates matches from several external detectors as one local detector would', () => {
    const { ruleSet: set } = ruleSetFrom(rules);
    // Two "threads", each seeing half of the failures: neither alone reaches the threshold.
    const a = new SigmaDetector({ ruleSet: set, external: true });
    const b = new SigmaDetector({ ruleSet: set, external: true });
    const evs = [0, 1, 2, 3].map((m) => failed(m, 'bob'));
    expect([...a.detect([evs[0]!, evs[2]!]), ...b.detect([evs[1]!, evs[3]!])]).toEqual([]);
    const corr = new SigmaCorrelator({ ruleSet: set });
    const hits = corr.push([...b.takeFeed(), ...a.takeFeed()]);
    expect(hits).toHaveLength(1);
    expect(hits[0]?.tenant).toBe('default');
    expect(hits[0]?.alert.detector.ruleTitle).toBe('Brute force');
    expect([...(hits[0]?.alert.eventIds ?? [])].sort()).toEqual(evs.map((e) => e.id).sort());
    expect(a.takeFeed()).toEqual([]);

    const local = new SigmaDetector({ ruleSet: set });
    const localHits = local.detect(evs).filter((x) => x.detector.ruleTitle === 'Brute force');
    expect(localHits).toHaveLength(1);
  });

  it('keeps tenants apart', () => {
    const { ruleSet: set } = ruleSetFrom(rules);
    const d = new SigmaDetector({ ruleSet: set, external: true });
    d.detect([failed(0, 'bob', 't1'), failed(1, 'bob', 't1')]);
    d.detect([failed(2, 'bob', 't2'), failed(3, 'bob', 't2')]);
    expect(new SigmaCorrelator({ ruleSet: set }).push(d.takeFeed())).toEqual([]);
  });
});
