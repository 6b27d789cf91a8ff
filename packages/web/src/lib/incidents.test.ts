import { describe, expect, it } from 'vitest';
import type { Case } from '../api/incidents';
import { attackChain, boardColumns, deadlineText, incidentGraph } from './incidents';

describe('incident views logic', () => {
  it('orders the ATT&CK chain by the kill chain with the techniques of each step', () => {
    const chain = attackChain({
      tactics: ['exfiltration', 'credential-access', 'discovery'],
      timeline: [
        {
          time: 3,
          last: 3,
          alertId: 'c',
          ruleId: 'c',
          rule: 'c',
          severity: 'high',
          summary: '',
          tactics: ['exfiltration'],
          techniques: ['T1048'],
          count: 1,
        },
        {
          time: 1,
          last: 1,
          alertId: 'a',
          ruleId: 'a',
          rule: 'a',
          severity: 'high',
          summary: '',
          tactics: ['credential-access'],
          techniques: ['t1003.001'],
          count: 1,
        },
        {
          time: 2,
          last: 2,
          alertId: 'b',
          ruleId: 'b',
          rule: 'b',
          severity: 'low',
          summary: '',
          tactics: ['Discovery'],
          techniques: ['T1087'],
          count: 2,
        },
      ],
    });
    expect(chain.map((s) => s.tactic)).toEqual(['credential-access', 'discovery', 'exfiltration']);
    expect(chain[0]).toEqual({ tactic: 'credential-access', techniques: ['T1003.001'], first: 1 });
  });

  it('draws programs by their file name and drops edges to nodes left out', () => {
    const g = incidentGraph({
      graph: {
        nodes: [
          { id: 'h:a', type: 'host', value: 'a', alerts: 1 },
          { id: 'a:a|c:\\x\\evil.exe', type: 'process', value: 'C:\\x\\evil.exe', alerts: 1 },
        ],
        edges: [
          { source: 'h:a', target: 'a:a|c:\\x\\evil.exe', kind: 'observed', alerts: 1, evidence: [] },
          { source: 'h:a', target: 'h:gone', kind: 'lateral', alerts: 1, evidence: [] },
        ],
      },
    });
    expect(g.nodes.map((n) => n.label)).toEqual(['a', 'evil.exe']);
    expect(g.edges).toHaveLength(1);
  });

  it('puts cases in workflow columns and reads deadlines', () => {
    const c = (id: string, status: Case['status'], created: number) => ({ id, status, created }) as Case;
    const cols = boardColumns([c('a', 'new', 1), c('b', 'closed', 2), c('c', 'new', 3)]);
    expect(cols.map((x) => x.status)).toEqual(['new', 'in-progress', 'contained', 'resolved', 'closed']);
    expect(cols[0]?.cases.map((x) => x.id)).toEqual(['c', 'a']);
    expect(deadlineText({ state: 'due-soon', remainingMs: 5 * 3_600_000 })).toBe('due in 5 h');
    expect(deadlineText({ state: 'overdue', remainingMs: -2 * 3_600_000 })).toBe('overdue by 2 h');
    expect(deadlineText({ state: 'late', remainingMs: 0 })).toBe('submitted late');
  });
});
