import { describe, expect, it } from 'vitest';
import { ruleSetFrom } from '../internal/fixtures.js';
import { builtinMapping, parseMapping, resolveLogsource } from './mapping.js';

const procRule = `title: whoami
id: 11111111-1111-4111-8111-111111111111
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    condition: selection
`;

describe('logsource mapping', () => {
  it('maps process_creation to Sysmon 1 and Security 4688 with renamed fields', () => {
    const variants = resolveLogsource({ category: 'process_creation', product: 'windows' }, builtinMapping());
    expect(variants.map((v) => v.label).sort()).toEqual([
      'Channel=microsoft-windows-sysmon/operational EventID=1',
      'Channel=security EventID=4688',
    ]);
    const { ruleSet } = ruleSetFrom(procRule);
    const sysmon = {
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      EventID: 1,
      Image: 'C:\\Windows\\System32\\whoami.exe',
    };
    const security = { Channel: 'Security', EventID: 4688, NewProcessName: 'C:\\Windows\\System32\\whoami.exe' };
    expect(ruleSet.match({ fields: sysmon })).toHaveLength(1);
    expect(ruleSet.match({ fields: security })).toHaveLength(1);
    // Flat collectors that lower-case the channel still match.
    expect(ruleSet.match({ fields: { ...security, Channel: 'security' } })).toHaveLength(1);
    expect(ruleSet.match({ fields: { ...sysmon, EventID: 3 } })).toHaveLength(0);
    expect(ruleSet.match({ fields: { ...sysmon, Channel: 'System' } })).toHaveLength(0);
  });

  it('drops contradictory combinations (service + category) and detection-contradicted variants', () => {
    const variants = resolveLogsource(
      { category: 'process_creation', product: 'windows', service: 'security' },
      builtinMapping(),
    );
    expect(variants.map((v) => v.label)).toEqual(['Channel=security EventID=4688']);
    const rule = procRule.replace("Image|endswith: '\\whoami.exe'", 'EventID: 4688');
    const { ruleSet } = ruleSetFrom(rule);
    expect(ruleSet.stats().variants).toBe(1);
  });

  it('services are channels; unknown logsources need the event to declare them', () => {
    const svc = resolveLogsource({ product: 'windows', service: 'security' }, builtinMapping());
    expect(svc.map((v) => v.label)).toEqual(['Channel=security']);
    const unknown = resolveLogsource({ product: 'acme', service: 'gadget' }, builtinMapping());
    expect(unknown.map((v) => v.label)).toEqual(['logsource.product=acme logsource.service=gadget']);
  });

  it('reads user mapping files', () => {
    const m = parseMapping(
      'logsources:\n  - { product: acme, when: { vendor: Acme }, fieldmappings: { User: [usr, user_name] } }\n',
    );
    expect(m.ok).toBe(true);
    if (!m.ok) return;
    const rule = 'title: t\nlogsource: { product: acme }\ndetection:\n    s:\n        User: bob\n    condition: s\n';
    const { ruleSet } = ruleSetFrom(rule, { mapping: { entries: m.value.entries, dispatch: ['vendor'] } });
    expect(ruleSet.match({ fields: { vendor: 'acme', user_name: 'Bob' } })).toHaveLength(1);
    expect(ruleSet.match({ fields: { vendor: 'other', user_name: 'Bob' } })).toHaveLength(0);
    expect(parseMapping('logsources: [{ when: { a: b } }]').ok).toBe(false);
  });
});
