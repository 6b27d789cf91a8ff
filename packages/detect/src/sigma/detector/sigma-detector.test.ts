import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AlertDraft, FlatFields, SocEvent } from '@intersoc/core';
import { SqliteStateStore } from '../correlation/sqlite-store.js';
import { ruleSetFrom } from '../internal/fixtures.js';
import { SigmaDetector } from './sigma-detector.js';

const rules = `title: Brute force
id: 6e95725d-7320-415d-80f7-004da920fc11
level: high
tags: [attack.credential-access, attack.t1110]
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [TargetUserName, Computer]
    timespan: 10m
    condition:
        gte: 5
---
title: Failed logon
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource: { product: windows, service: security }
detection:
    selection:
        EventID: 4625
    condition: selection
---
title: LSASS dump with procdump
id: 7e95725d-7320-415d-80f7-004da920fc11
level: critical
tags: [attack.credential-access, attack.t1003.001]
logsource: { category: process_creation, product: windows }
detection:
    selection:
        Image|endswith: '\\procdump64.exe'
        CommandLine|contains: 'lsass'
    condition: selection
`;

let n = 0;
function event(fields: FlatFields, minute: number, tenant = 'default'): SocEvent {
  n++;
  return {
    id: `ev${n}`,
    time: Date.UTC(2024, 0, 1, 8, minute),
    ingested: 0,
    tenant,
    source: { format: 'windows', kind: 'file', name: 'test' },
    raw: '',
    fields,
    ecs: {},
  };
}
const failed = (minute: number, user = 'bob', tenant = 'default') =>
  event(
    { Channel: 'Security', EventID: 4625, TargetUserName: user, Computer: 'DC1', IpAddress: '10.0.0.7' },
    minute,
    tenant,
  );

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('SigmaDetector', () => {
  it('turns single-event matches into alert drafts with ATT&CK and entities', () => {
    const { ruleSet } = ruleSetFrom(rules);
    const det = new SigmaDetector({ ruleSet });
    const alerts = det.detect([
      event(
        {
          Channel: 'Microsoft-Windows-Sysmon/Operational',
          EventID: 1,
          Computer: 'WS1',
          User: 'CORP\\bob',
          Image: 'C:\\Tools\\procdump64.exe',
          CommandLine: 'procdump64.exe -ma lsass.exe out.dmp',
          Hashes: 'MD5=0123456789abcdef0123456789abcdef,SHA256=aa',
        },
        0,
      ),
    ]) as readonly AlertDraft[];
    expect(alerts).toHaveLength(1);
    const a = alerts[0];
    expect(a?.severity).toBe('critical');
    expect(a?.detector).toEqual({
      kind: 'sigma',
      ruleId: '7e95725d-7320-415d-80f7-004da920fc11',
      ruleTitle: 'LSASS dump with procdump',
    });
    expect(a?.techniques).toEqual(['T1003.001']);
    expect(a?.entities).toEqual(
      expect.arrayContaining([
        { type: 'host', value: 'WS1' },
        { type: 'user', value: 'CORP\\bob' },
        { type: 'process', value: 'C:\\Tools\\procdump64.exe' },
        { type: 'hash', value: '0123456789abcdef0123456789abcdef', role: 'md5' },
      ]),
    );
    expect(a?.summary).toContain('LSASS dump with procdump on WS1');
  });

  it('correlation windows survive a restart through the SQLite store', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sigma-state-'));
    dirs.push(dir);
    const file = path.join(dir, 'state.db');
    const { ruleSet } = ruleSetFrom(rules);
    const first = new SigmaDetector({ ruleSet, store: new SqliteStateStore(file) });
    expect(first.detect([failed(0), failed(1), failed(2)])).toHaveLength(0); // base rule only feeds the correlation
    first.close();
    const second = new SigmaDetector({ ruleSet, store: new SqliteStateStore(file) });
    const alerts = second.detect([failed(3), failed(4)]);
    second.close();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.detector.ruleTitle).toBe('Brute force');
    expect(alerts[0]?.eventIds).toHaveLength(5);
    expect(alerts[0]?.entities).toEqual(
      expect.arrayContaining([
        { type: 'user', value: 'bob' },
        { type: 'host', value: 'DC1' },
      ]),
    );
  });

  it('keeps rule sets and correlation state per tenant and swaps them between batches', () => {
    const { ruleSet } = ruleSetFrom(rules);
    const other = ruleSetFrom(rules, { tuning: { disabled: ['6e95725d-7320-415d-80f7-004da920fc11'] } }).ruleSet;
    const det = new SigmaDetector({ ruleSet });
    det.setRuleSet(other, 'acme');
    // acme has no correlation: its failed logons alert on their own; default tenant's do not.
    const batch = [failed(0, 'bob', 'acme'), failed(0, 'bob'), failed(1, 'bob'), failed(2, 'bob'), failed(3, 'bob')];
    const alerts = det.detect(batch);
    expect(alerts.map((a) => a.detector.ruleTitle)).toEqual(['Failed logon']);
    // Hot reload: the new set applies to the next batch and the open window carries over.
    det.setRuleSet(
      ruleSetFrom(rules, { tuning: { levels: { '6e95725d-7320-415d-80f7-004da920fc11': 'critical' } } }).ruleSet,
    );
    const after = det.detect([failed(4, 'bob')]);
    expect(after.map((a) => [a.detector.ruleTitle, a.severity])).toEqual([['Brute force', 'critical']]);
  });
});
