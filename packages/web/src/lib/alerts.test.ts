import { describe, expect, it } from 'vitest';
import type { AlertStatus, Severity, TriagedAlert } from '../api/types';
import { applyStatus, groupAlerts, mergeLive, queueRows, sortAlerts } from './alerts';

function row(
  id: string,
  time: number,
  severity: Severity,
  rule: string,
  host: string,
  status: AlertStatus = 'new',
): TriagedAlert {
  return {
    alert: {
      id,
      tenant: 't',
      created: time,
      time,
      detector: { kind: 'sigma', ruleId: rule.toLowerCase(), ruleTitle: rule },
      severity,
      tactics: [],
      techniques: [],
      entities: [
        { type: 'host', value: host },
        { type: 'user', value: 'u' },
      ],
      eventIds: [],
      summary: id,
    },
    state: { status },
  };
}

const rows = [
  row('a', 1, 'low', 'Brute force', 'web1'),
  row('b', 5, 'critical', 'LSASS access', 'dc1', 'acknowledged'),
  row('c', 3, 'high', 'Brute force', 'dc1'),
  row('d', 4, 'low', 'Archive', 'web1', 'closed'),
];

describe('alert queue logic', () => {
  it('sorts by each column with a stable tie-break', () => {
    expect(sortAlerts(rows, 'time', 'desc').map((r) => r.alert.id)).toEqual(['b', 'd', 'c', 'a']);
    expect(sortAlerts(rows, 'severity', 'desc').map((r) => r.alert.id)).toEqual(['b', 'c', 'd', 'a']);
    expect(sortAlerts(rows, 'rule', 'asc').map((r) => r.alert.id)).toEqual(['d', 'c', 'a', 'b']);
    expect(sortAlerts(rows, 'host', 'asc').map((r) => r.alert.id)).toEqual(['b', 'c', 'd', 'a']);
    expect(sortAlerts(rows, 'status', 'asc').map((r) => r.alert.id)).toEqual(['c', 'a', 'b', 'd']);
  });

  it('groups by rule and host, most severe group first', () => {
    const byRule = groupAlerts(rows, 'rule');
    expect(byRule.map((g) => [g.label, g.rows.length, g.maxSeverity, g.newCount])).toEqual([
      ['LSASS access', 1, 'critical', 0],
      ['Brute force', 2, 'high', 2],
      ['Archive', 1, 'low', 0],
    ]);
    expect(groupAlerts(rows, 'host').map((g) => g.key)).toEqual(['dc1', 'web1']);
  });

  it('groups one machine and one account under their short names, whatever the spelling', () => {
    const spelled = [
      row('e', 6, 'high', 'Logon', 'WKS-03.corp.example.com'),
      row('f', 7, 'low', 'Logon', 'wks-03'),
      row('g', 8, 'low', 'Logon', 'CORP\\WKS-03$'),
    ];
    const users = [
      { ...spelled[0]!, alert: { ...spelled[0]!.alert, entities: [{ type: 'user' as const, value: 'CORP\\rconti' }] } },
      { ...spelled[1]!, alert: { ...spelled[1]!.alert, entities: [{ type: 'user' as const, value: 'rconti@corp' }] } },
      { ...spelled[2]!, alert: { ...spelled[2]!.alert, entities: [] } },
    ];
    expect(groupAlerts(spelled, 'host').map((g) => [g.label, g.rows.length])).toEqual([['wks-03', 3]]);
    expect(groupAlerts(users, 'user').map((g) => [g.label, g.rows.length])).toEqual([
      ['rconti', 2],
      ['(no user)', 1],
    ]);
  });

  it('flattens groups into table rows, expanding only the open ones', () => {
    const flat = queueRows(rows, 'host', new Set(['web1']));
    expect(flat.map((r) => (r.kind === 'group' ? `[${r.group.key}]` : r.row.alert.id))).toEqual([
      '[dc1]',
      '[web1]',
      'a',
      'd',
    ]);
    expect(queueRows(rows, 'none', new Set())).toHaveLength(4);
  });

  it('merges live alerts on top without duplicates and applies status changes', () => {
    const merged = mergeLive(rows, [row('e', 9, 'medium', 'New', 'x'), row('b', 5, 'critical', 'LSASS access', 'dc1')]);
    expect(merged.map((r) => r.alert.id)).toEqual(['e', 'a', 'b', 'c', 'd']);
    const changed = applyStatus(merged, new Set(['a', 'e']), {
      status: 'closed',
      reason: 'fp',
      by: 'ann',
      changed: 10,
    });
    expect(changed.filter((r) => r.state.status === 'closed').map((r) => r.alert.id)).toEqual(['e', 'a', 'd']);
    expect(changed.find((r) => r.alert.id === 'a')?.state.reason).toBe('fp');
  });
});
