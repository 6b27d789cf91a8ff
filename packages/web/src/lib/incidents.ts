/**
 * @module
 * Client logic of the incident and case views: the ATT&CK chain of an incident (tactics in
 * kill-chain order with the techniques seen for each), the entity graph for the graph
 * component, the case board's columns, and how a NIS2 deadline reads.
 */
import type { Case, CaseStatus, Deadline, Incident } from '../api/incidents';
import { CASE_STATUSES } from '../api/incidents';
import { formatDuration } from './format';

/** Enterprise ATT&CK tactics in kill-chain order. */
export const TACTIC_ORDER = [
  'reconnaissance',
  'resource-development',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
] as const;

/** One step of the chain. */
export interface ChainStep {
  readonly tactic: string;
  readonly techniques: readonly string[];
  /** First time the tactic shows in the timeline. */
  readonly first?: number;
}

/** Tactics in kill-chain order with the techniques the incident's timeline shows for each. */
export function attackChain(i: Pick<Incident, 'tactics' | 'timeline'>): ChainStep[] {
  const rank = (t: string): number => {
    const r = (TACTIC_ORDER as readonly string[]).indexOf(t);
    return r < 0 ? TACTIC_ORDER.length : r;
  };
  const by = new Map<string, { techniques: Set<string>; first: number | undefined }>();
  for (const t of i.tactics) by.set(t, { techniques: new Set(), first: undefined });
  for (const line of i.timeline) {
    for (const t of line.tactics) {
      const tac = t.toLowerCase().replace(/[\s_]+/g, '-');
      const step = by.get(tac) ?? { techniques: new Set<string>(), first: undefined };
      for (const x of line.techniques) step.techniques.add(x.toUpperCase());
      step.first = step.first === undefined ? line.time : Math.min(step.first, line.time);
      by.set(tac, step);
    }
  }
  return [...by.entries()]
    .sort((a, b) => rank(a[0]) - rank(b[0]))
    .map(([tactic, s]) => ({
      tactic,
      techniques: [...s.techniques].sort(),
      ...(s.first === undefined ? {} : { first: s.first }),
    }));
}

/** Graph component input of an incident's entity graph. */
export function incidentGraph(i: Pick<Incident, 'graph'>): {
  nodes: { id: string; label: string; kind: string }[];
  edges: { source: string; target: string; label: string }[];
} {
  const kinds: Readonly<Record<string, string>> = {
    host: 'identity',
    user: 'peer',
    ip: 'indicator',
    domain: 'indicator',
    url: 'indicator',
    process: 'malware',
    file: 'malware',
  };
  const ids = new Set(i.graph.nodes.map((n) => n.id));
  return {
    nodes: i.graph.nodes.map((n) => ({
      id: n.id,
      label: n.type === 'process' || n.type === 'file' ? (n.value.split(/[\\/]/).pop() ?? n.value) : n.value,
      kind: kinds[n.type] ?? 'other',
    })),
    // Edges to nodes left out at the cap would not draw.
    edges: i.graph.edges
      .filter((e) => ids.has(e.source) && ids.has(e.target))
      .map((e) => ({ source: e.source, target: e.target, label: e.kind === 'observed' ? '' : e.kind })),
  };
}

/** Cases by status, in workflow order, newest first within a column. */
export function boardColumns(list: readonly Case[]): { status: CaseStatus; cases: Case[] }[] {
  return CASE_STATUSES.map((status) => ({
    status,
    cases: list.filter((c) => c.status === status).sort((a, b) => b.created - a.created),
  }));
}

/** How a deadline reads: `due in 5 h`, `overdue by 2 h`, `submitted`, `submitted late`. */
export function deadlineText(d: Pick<Deadline, 'state' | 'remainingMs'>): string {
  switch (d.state) {
    case 'submitted':
      return 'submitted';
    case 'late':
      return 'submitted late';
    case 'overdue':
      return `overdue by ${formatDuration(-d.remainingMs)}`;
    default:
      return `due in ${formatDuration(d.remainingMs)}`;
  }
}

/** Human names of the NIS2 reports. */
export const REPORT_NAMES: Readonly<Record<Deadline['kind'], string>> = {
  'early-warning': 'Early warning (24 h)',
  notification: 'Incident notification (72 h)',
  final: 'Final report (1 month)',
};
