import { describe, expect, it } from 'vitest';
import { ruleSetFrom } from '../internal/fixtures.js';

const rules = `title: Mimikatz command line
id: 22222222-2222-4222-8222-222222222222
level: high
tags: [attack.credential-access, attack.t1003.001]
logsource: { category: process_creation, product: windows }
detection:
    selection:
        CommandLine|contains: 'sekurlsa::'
    condition: selection
---
title: Any process by admin
id: 33333333-3333-4333-8333-333333333333
level: low
logsource: { category: process_creation, product: windows }
detection:
    selection:
        User|startswith: 'adm_'
    filter:
        Image|endswith: '\\svchost.exe'
    condition: selection and not filter
---
title: Keep non-admin accounts
logsource: { category: process_creation, product: windows }
filter:
    rules:
        - 22222222-2222-4222-8222-222222222222
    selection:
        User|startswith: 'adm_'
    condition: not selection
`;

const ev = (fields: Record<string, string | number>) => ({
  fields: { Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 1, ...fields },
});

describe('rule sets', () => {
  it('index rules, use the prefilter, and keep rule order', () => {
    const { ruleSet } = ruleSetFrom(rules.split('---\n').slice(0, 2).join('---\n'));
    const hits = ruleSet.match(
      ev({ CommandLine: 'mimikatz sekurlsa::logonpasswords', User: 'adm_bob', Image: 'x.exe' }),
    );
    expect(hits.map((r) => r.title)).toEqual(['Mimikatz command line', 'Any process by admin']);
    expect(hits[0]?.tactics).toEqual(['credential-access']);
    expect(hits[0]?.techniques).toEqual(['T1003.001']);
    expect(ruleSet.match(ev({ CommandLine: 'dir', User: 'adm_bob', Image: 'C:\\svchost.exe' }))).toHaveLength(0);
  });

  it('apply meta filters the pySigma way: (rule) and (filter condition)', () => {
    const { ruleSet } = ruleSetFrom(rules);
    const mimi = ruleSet.rules.find((r) => r.title === 'Mimikatz command line');
    expect(mimi?.filters).toEqual(['Keep non-admin accounts']);
    expect(ruleSet.match(ev({ CommandLine: 'sekurlsa::x', User: 'adm_bob' })).map((r) => r.title)).toEqual([
      'Any process by admin',
    ]);
    expect(ruleSet.match(ev({ CommandLine: 'sekurlsa::x', User: 'eve' })).map((r) => r.title)).toEqual([
      'Mimikatz command line',
    ]);
  });

  it('apply tuning: disabled rules and level overrides', () => {
    const tuned = ruleSetFrom(rules, {
      tuning: {
        disabled: ['33333333-3333-4333-8333-333333333333'],
        levels: { '22222222-2222-4222-8222-222222222222': 'critical' },
      },
    });
    expect(tuned.disabled).toEqual(['33333333-3333-4333-8333-333333333333']);
    expect(tuned.ruleSet.rules.map((r) => [r.title, r.level])).toEqual([['Mimikatz command line', 'critical']]);
  });
});
