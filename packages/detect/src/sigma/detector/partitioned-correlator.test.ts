import { describe, expect, it } from 'vitest';
import type { FlatFields, SocEvent } from '@intersoc/core';
import { ruleSetFrom } from '../internal/fixtures.js';
import { MemoryStateStore } from '../correlation/state-store.js';
import { correlationChains } from '../correlation/partition.js';
import { SigmaCorrelator } from './correlator.js';
import { FeedPartitioner, PartitionCorrelator } from './partitioned-correlator.js';
import { SigmaDetector, type SigmaFeedItem } from './sigma-detector.js';

// Two chains over one base rule: a brute force per (address, user) with a chained "repeated
// brute force" per address, and a spraying count per address.
const rules = `title: Failed logon
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource: { product: windows, service: security }
detection:
    selection:
        EventID: 4625
    condition: selection
---
title: Brute force
id: 6e95725d-7320-415d-80f7-004da920fc11
name: brute
level: high
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [IpAddress, TargetUserName]
    timespan: 10m
    condition:
        gte: 3
---
title: Repeated brute force
id: 6e95725d-7320-415d-80f7-004da920fc12
level: critical
correlation:
    type: event_count
    rules: [brute]
    group-by: [IpAddress]
    timespan: 1h
    condition:
        gte: 2
---
title: Spraying
id: 6e95725d-7320-415d-80f7-004da920fc13
level: high
correlation:
    type: value_count
    rules: [failed_login]
    group-by: [IpAddress]
    timespan: 10m
    condition:
        field: TargetUserName
        gte: 3
`;

let n = 0;
function failed(minute: number, ip: string, user: string): SocEvent {
  const fields: FlatFields = { Channel: 'Security', EventID: 4625, IpAddress: ip, TargetUserName: user };
  return {
    id: `e${++n}`,
    time: Date.UTC(2024, 0, 1, 8, minute),
    ingested: 0,
    tenant: 'default',
    source: { format: 'windows', kind: 'file', name: 't' },
    raw: '',
    fields,
    ecs: {},
  };
}

function feedOf(events: SocEvent[], set: ReturnType<typeof ruleSetFrom>['ruleSet']): SigmaFeedItem[] {
  const d = new SigmaDetector({ ruleSet: set, external: true });
  d.detect(events);
  return d.takeFeed();
}

const sig = (a: { alert: { detector: { ruleTitle: string }; eventIds: readonly string[] } }): string =>
  `${a.alert.detector.ruleTitle}:${[...a.alert.eventIds].sort().join(',')}`;

describe('partitioned correlations', () => {
  it('chains share their common group-by fields as the key; independent correlations are separate chains', () => {
    const { ruleSet } = ruleSetFrom(rules);
    const chains = correlationChains(ruleSet.correlations);
    expect(chains.map((c) => [c.correlations.map((x) => x.title).sort(), c.keyFields])).toEqual([
      [['Brute force', 'Repeated brute force'], ['IpAddress']],
      [['Spraying'], ['IpAddress']],
    ]);
  });

  it('the partitions together raise exactly the single-owner alerts, whatever the partition count', () => {
    const { ruleSet } = ruleSetFrom(rules);
    const events: SocEvent[] = [];
    for (let m = 0; m < 30; m++)
      for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'])
        events.push(failed(m, ip, `u${(m * 7 + ip.length) % 4}`));
    const feed = feedOf(events, ruleSet);
    const single = new SigmaCorrelator({ ruleSet }).push(feed).map(sig).sort();
    expect(single.some((s) => s.startsWith('Repeated brute force'))).toBe(true);
    expect(single.some((s) => s.startsWith('Spraying'))).toBe(true);
    for (const partitions of [1, 3, 8]) {
      const partitioner = new FeedPartitioner({ fallback: ruleSet, tenants: new Map() }, partitions);
      const byPartition = partitioner.split(feed);
      const got: string[] = [];
      for (const [p, items] of byPartition) {
        // Fed in several messages, as the bus delivers them.
        const c = new PartitionCorrelator(partitioner, p, new MemoryStateStore());
        for (let i = 0; i < items.length; i += 7) got.push(...c.push(items.slice(i, i + 7)).map(sig));
      }
      expect(got.sort()).toEqual(single);
      if (partitions === 8) expect(byPartition.size).toBeGreaterThan(1);
    }
  });

  it('a new owner that loads the state store carries the windows on', () => {
    const { ruleSet } = ruleSetFrom(rules);
    const events = [0, 1, 2, 3, 4, 5].map((m) => failed(m, '10.9.9.9', 'admin'));
    const feed = feedOf(events, ruleSet);
    const partitioner = new FeedPartitioner({ fallback: ruleSet, tenants: new Map() }, 4);
    const [[p, items]] = [...partitioner.split(feed)] as [[number, SigmaFeedItem[]]];
    const store = new MemoryStateStore();
    const first = new PartitionCorrelator(partitioner, p, store);
    const before = first.push(items.slice(0, 2)).map(sig);
    // The owner dies; the next one starts from the store.
    const second = new PartitionCorrelator(partitioner, p, store);
    const after = second.push(items.slice(2)).map(sig);
    const whole = new PartitionCorrelator(partitioner, p, new MemoryStateStore()).push(items).map(sig);
    expect([...before, ...after]).toEqual(whole);
    expect(whole.length).toBeGreaterThan(0);
    // Items of another partition are ignored by this one.
    expect(new PartitionCorrelator(partitioner, (p + 1) % 4, new MemoryStateStore()).push(items)).toEqual([]);
  });
});
