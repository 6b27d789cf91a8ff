import { describe, expect, it } from 'vitest';
import { ruleSetFrom } from '../internal/fixtures.js';
import { csvRow, Hunt, TIMELINE_COLUMNS } from './timeline.js';

const rules = `title: Failed logon
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed
level: low
logsource: { product: windows, service: security }
detection:
    selection:
        EventID: 4625
    condition: selection
---
title: Whoami
id: 63ba33fd-3a50-4468-a5ef-c583635cfa92
level: medium
tags: [attack.discovery, attack.t1033]
logsource: { category: process_creation, product: windows }
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    condition: selection
---
title: Three failures
id: 73ba33fd-3a50-4468-a5ef-c583635cfa92
level: high
correlation:
    type: event_count
    rules: [failed]
    group-by: [TargetUserName]
    timespan: 1m
    condition:
        gte: 3
`;

describe('Hunt', () => {
  it('writes a row per match, correlations in time order at the end, and counts by level and rule', () => {
    const hunt = new Hunt(ruleSetFrom(rules).ruleSet);
    const base = Date.UTC(2024, 0, 1);
    const rows = [];
    // Files may come in any order: the failures arrive out of time order.
    for (const [i, t] of [30, 0, 10].entries()) {
      rows.push(
        ...hunt.push({
          fields: { Channel: 'Security', EventID: 4625, TargetUserName: 'bob', Computer: 'DC1' },
          time: base + t * 1000,
          id: `f${i}`,
          sourceFile: 'sec.json',
        }),
      );
    }
    rows.push(
      ...hunt.push({
        fields: {
          Channel: 'Microsoft-Windows-Sysmon/Operational',
          EventID: 1,
          Image: 'C:\\Windows\\System32\\whoami.exe',
          Computer: 'WS1',
        },
        time: base,
        id: 'w',
        sourceFile: 'sysmon.json',
      }),
    );
    expect(rows.map((r) => r.RuleTitle)).toEqual(['Whoami']); // the failures only feed the correlation
    expect(rows[0]).toMatchObject({
      Computer: 'WS1',
      EventID: '1',
      Level: 'medium',
      MitreTactics: 'discovery',
      MitreTechniques: 'T1033',
      SourceFile: 'sysmon.json',
    });
    expect(rows[0]?.Details).toContain('Image: C:\\Windows\\System32\\whoami.exe');
    const final = hunt.finish();
    expect(final.map((r) => [r.RuleTitle, r.Level, r.Computer])).toEqual([['Three failures', 'high', 'DC1']]);
    expect(final[0]?.Details).toContain('TargetUserName: bob');
    expect(hunt.summary.records).toBe(4);
    expect(hunt.summary.byLevel).toMatchObject({ medium: 1, high: 1, low: 0 });
    expect(TIMELINE_COLUMNS).toHaveLength(11);
    expect(csvRow({ ...(rows[0] as NonNullable<(typeof rows)[0]>), RuleTitle: 'a, "b"' })).toContain('"a, ""b"""');
  });
});
