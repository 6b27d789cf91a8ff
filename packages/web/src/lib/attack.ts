/**
 * @module
 * The ATT&CK matrix: techniques placed under their tactics, each marked by whether enabled rules
 * cover it and whether alerts observed it. A technique observed but covered by no enabled rule
 * is a gap the analyst should see first.
 */
import type { TechniqueCoverage } from '../api/types';

/** Enterprise ATT&CK tactics in kill-chain order: short name, id and title. */
export const TACTICS: readonly { readonly name: string; readonly id: string; readonly title: string }[] = [
  { name: 'reconnaissance', id: 'TA0043', title: 'Reconnaissance' },
  { name: 'resource-development', id: 'TA0042', title: 'Resource Development' },
  { name: 'initial-access', id: 'TA0001', title: 'Initial Access' },
  { name: 'execution', id: 'TA0002', title: 'Execution' },
  { name: 'persistence', id: 'TA0003', title: 'Persistence' },
  { name: 'privilege-escalation', id: 'TA0004', title: 'Privilege Escalation' },
  { name: 'defense-evasion', id: 'TA0005', title: 'Defense Evasion' },
  { name: 'credential-access', id: 'TA0006', title: 'Credential Access' },
  { name: 'discovery', id: 'TA0007', title: 'Discovery' },
  { name: 'lateral-movement', id: 'TA0008', title: 'Lateral Movement' },
  { name: 'collection', id: 'TA0009', title: 'Collection' },
  { name: 'command-and-control', id: 'TA0011', title: 'Command and Control' },
  { name: 'exfiltration', id: 'TA0010', title: 'Exfiltration' },
  { name: 'impact', id: 'TA0040', title: 'Impact' },
];

/** How a technique stands. */
export type CellState = 'detected' | 'covered' | 'gap';

/** One cell of the matrix. */
export interface MatrixCell {
  readonly technique: TechniqueCoverage;
  readonly state: CellState;
  /** 0..1, for the heat colour: alerts relative to the busiest technique. */
  readonly heat: number;
}

/** One column. */
export interface MatrixColumn {
  readonly tactic: string;
  readonly title: string;
  readonly cells: readonly MatrixCell[];
}

/** Counts for the summary line. */
export interface MatrixSummary {
  readonly covered: number;
  readonly observed: number;
  readonly gaps: number;
}

/** State of one technique. */
export function cellState(t: TechniqueCoverage): CellState {
  if (t.rules > 0) return t.alerts > 0 ? 'detected' : 'covered';
  return 'gap';
}

function titleOf(tactic: string): string {
  return (
    TACTICS.find((t) => t.name === tactic)?.title ??
    tactic
      .split('-')
      .map((w) => (w ? `${w[0]?.toUpperCase() ?? ''}${w.slice(1)}` : w))
      .join(' ')
  );
}

/**
 * Places techniques under their tactics (a technique with several tactics appears in each).
 * Known tactics keep kill-chain order; others follow, and techniques without a tactic go last.
 * Columns without techniques are kept so the matrix shape stays familiar.
 */
export function buildMatrix(techniques: readonly TechniqueCoverage[]): {
  columns: MatrixColumn[];
  summary: MatrixSummary;
} {
  const maxAlerts = Math.max(1, ...techniques.map((t) => t.alerts));
  const byTactic = new Map<string, MatrixCell[]>(TACTICS.map((t) => [t.name, []]));
  let covered = 0;
  let observed = 0;
  let gaps = 0;
  for (const t of techniques) {
    const state = cellState(t);
    if (t.rules > 0) covered++;
    if (t.alerts > 0) observed++;
    if (state === 'gap') gaps++;
    const cell = { technique: t, state, heat: t.alerts / maxAlerts };
    const tactics = t.tactics.length > 0 ? t.tactics : ['unmapped'];
    for (const tactic of tactics) {
      const list = byTactic.get(tactic) ?? [];
      list.push(cell);
      byTactic.set(tactic, list);
    }
  }
  const columns: MatrixColumn[] = [...byTactic.entries()].map(([tactic, cells]) => ({
    tactic,
    title: tactic === 'unmapped' ? 'No tactic' : titleOf(tactic),
    cells: cells.sort((a, b) => a.technique.id.localeCompare(b.technique.id)),
  }));
  return { columns, summary: { covered, observed, gaps } };
}

/** The public ATT&CK page of a technique (`T1003.001` → `.../techniques/T1003/001/`). */
export function techniqueUrl(id: string): string {
  return `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;
}
