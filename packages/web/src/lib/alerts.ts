/**
 * @module
 * Client-side work on the loaded alert queue: sorting by column, grouping by rule or host into
 * collapsible sections, and the rows the virtual table renders.
 */
import { SEVERITIES, type AlertStatus, type Severity, type TriagedAlert } from '../api/types';
import { shortHost, splitUser } from './entity-link';

/** Columns the queue sorts by. */
export type AlertSortKey = 'time' | 'severity' | 'rule' | 'host' | 'status';
export type SortDir = 'asc' | 'desc';
export type AlertGrouping = 'none' | 'rule' | 'host' | 'user';

const STATUS_ORDER: Readonly<Record<AlertStatus, number>> = { new: 0, acknowledged: 1, closed: 2 };

/** Rank of a severity (informational 0 … critical 4). */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** The hosts an alert names, in order. */
export function hostsOf(a: TriagedAlert): string[] {
  return a.alert.entities.filter((e) => e.type === 'host').map((e) => e.value);
}

/** The users an alert names, in order. */
export function usersOf(a: TriagedAlert): string[] {
  return a.alert.entities.filter((e) => e.type === 'user').map((e) => e.value);
}

function compare(a: TriagedAlert, b: TriagedAlert, key: AlertSortKey): number {
  switch (key) {
    case 'time':
      return a.alert.time - b.alert.time;
    case 'severity':
      return severityRank(a.alert.severity) - severityRank(b.alert.severity);
    case 'rule':
      return a.alert.detector.ruleTitle.localeCompare(b.alert.detector.ruleTitle);
    case 'host':
      return (hostsOf(a)[0] ?? '').localeCompare(hostsOf(b)[0] ?? '');
    case 'status':
      return STATUS_ORDER[a.state.status] - STATUS_ORDER[b.state.status];
  }
}

/** A sorted copy; ties break newest first, then by id, so the order is stable across reloads. */
export function sortAlerts(rows: readonly TriagedAlert[], key: AlertSortKey, dir: SortDir): TriagedAlert[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort(
    (a, b) =>
      sign * compare(a, b, key) ||
      b.alert.time - a.alert.time ||
      (a.alert.id < b.alert.id ? -1 : a.alert.id > b.alert.id ? 1 : 0),
  );
}

/** A group of alerts sharing a rule or host. */
export interface AlertGroup {
  readonly key: string;
  readonly label: string;
  readonly rows: readonly TriagedAlert[];
  readonly maxSeverity: Severity;
  readonly newCount: number;
  readonly latest: number;
}

/** The group of an alert: its rule, or its first host or account in the entity model's short spelling. */
function groupOf(r: TriagedAlert, by: Exclude<AlertGrouping, 'none'>): { key: string; label: string } {
  if (by === 'rule') return { key: r.alert.detector.ruleId, label: r.alert.detector.ruleTitle };
  if (by === 'host') {
    const h = hostsOf(r)[0];
    return h === undefined ? { key: '', label: '(no host)' } : { key: shortHost(h), label: shortHost(h) };
  }
  const u = usersOf(r)[0];
  if (u === undefined) return { key: '', label: '(no user)' };
  const name = splitUser(u).name.toLowerCase();
  return { key: name, label: name };
}

/** Groups alerts (already sorted) by rule or first host; groups come most severe, then most recent, first. */
export function groupAlerts(rows: readonly TriagedAlert[], by: Exclude<AlertGrouping, 'none'>): AlertGroup[] {
  const groups = new Map<string, { label: string; rows: TriagedAlert[] }>();
  for (const r of rows) {
    const { key, label } = groupOf(r, by);
    let g = groups.get(key);
    if (!g) {
      g = { label, rows: [] };
      groups.set(key, g);
    }
    g.rows.push(r);
  }
  const out: AlertGroup[] = [];
  for (const [key, g] of groups) {
    let max = 0;
    let latest = 0;
    let fresh = 0;
    for (const r of g.rows) {
      max = Math.max(max, severityRank(r.alert.severity));
      latest = Math.max(latest, r.alert.time);
      if (r.state.status === 'new') fresh++;
    }
    out.push({
      key,
      label: g.label,
      rows: g.rows,
      maxSeverity: SEVERITIES[max] ?? 'informational',
      newCount: fresh,
      latest,
    });
  }
  return out.sort(
    (a, b) =>
      severityRank(b.maxSeverity) - severityRank(a.maxSeverity) ||
      b.latest - a.latest ||
      a.label.localeCompare(b.label),
  );
}

/** A row of the queue table: a group header or an alert. */
export type QueueRow =
  | { readonly kind: 'group'; readonly group: AlertGroup; readonly expanded: boolean }
  | { readonly kind: 'alert'; readonly row: TriagedAlert; readonly depth: 0 | 1 };

/** The rows to display: flat, or group headers each followed by its alerts when expanded. */
export function queueRows(rows: readonly TriagedAlert[], by: AlertGrouping, expanded: ReadonlySet<string>): QueueRow[] {
  if (by === 'none') return rows.map((row) => ({ kind: 'alert', row, depth: 0 }));
  const out: QueueRow[] = [];
  for (const group of groupAlerts(rows, by)) {
    const open = expanded.has(group.key);
    out.push({ kind: 'group', group, expanded: open });
    if (open) for (const row of group.rows) out.push({ kind: 'alert', row, depth: 1 });
  }
  return out;
}

/** Merges freshly streamed alerts into the loaded queue (newest first, no duplicates). */
export function mergeLive(loaded: readonly TriagedAlert[], incoming: readonly TriagedAlert[]): TriagedAlert[] {
  if (incoming.length === 0) return [...loaded];
  const seen = new Set(loaded.map((r) => r.alert.id));
  const fresh = incoming.filter((r) => {
    if (seen.has(r.alert.id)) return false;
    seen.add(r.alert.id);
    return true;
  });
  return [...fresh.sort((a, b) => b.alert.time - a.alert.time), ...loaded];
}

/** Applies a status change to loaded rows, so the table reflects it without a reload. */
export function applyStatus(
  rows: readonly TriagedAlert[],
  ids: ReadonlySet<string>,
  state: { status: AlertStatus; reason?: string; by: string; changed: number },
): TriagedAlert[] {
  return rows.map((r) => (ids.has(r.alert.id) ? { ...r, state: { ...state } } : r));
}
