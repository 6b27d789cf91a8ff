/**
 * @module
 * What the SQLite and PostgreSQL incident stores share: the compact alert copy, the listing
 * cursor, the search text and the mapping of a stored row back to an `Incident` (status, case and
 * merge belong to the row's columns, which analysts change, not to the builder's document).
 */
import { AppError, type Alert } from '@intersoc/core';
import type { CrossSocLink, Incident, IncidentAlert, IncidentStatus } from '../incidents/types.js';
import type { AlertIncidentRef } from './types.js';

/** The columns a listing reads. */
export interface IncidentRow {
  status: string;
  closed_reason?: string | null;
  case_id: string | null;
  merged_into: string | null;
  last_seen: number;
  id: string;
  doc: string;
}

/** The columns every listing selects, in both stores. */
export const ROW_COLUMNS = 'id, status, case_id, merged_into, closed_reason, last_seen, doc';

/** Compact copy of an alert as an incident keeps it. */
export function compactAlert(a: Alert): IncidentAlert {
  return {
    id: a.id,
    time: a.time,
    ruleId: a.detector.ruleId,
    rule: a.detector.ruleTitle,
    kind: a.detector.kind,
    severity: a.severity,
    summary: a.summary,
    tactics: a.tactics,
    techniques: a.techniques,
    entities: a.entities,
    eventIds: a.eventIds,
  };
}

/** An alert again from its compact copy (for re-summarising after a split or a restart). */
export function alertOfCompact(tenant: string, c: IncidentAlert): Alert {
  return {
    id: c.id,
    tenant,
    created: c.time,
    time: c.time,
    detector: { kind: c.kind, ruleId: c.ruleId, ruleTitle: c.rule },
    severity: c.severity,
    tactics: c.tactics,
    techniques: c.techniques,
    entities: c.entities,
    eventIds: c.eventIds,
    summary: c.summary,
  };
}

/** A stored compact alert; copies written before event ids were kept have none. */
export function parseCompact(doc: string): IncidentAlert {
  const a = JSON.parse(doc) as Omit<IncidentAlert, 'eventIds'> & { eventIds?: string[] };
  return { ...a, eventIds: a.eventIds ?? [] };
}

export function encodeCursor(lastSeen: number, id: string): string {
  return Buffer.from(JSON.stringify([lastSeen, id])).toString('base64url');
}

export function decodeCursor(s: string): [number, string] {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION', 'invalid cursor');
}

/** The lower-cased text `q` searches. */
export function searchText(i: Incident): string {
  return [i.id, i.title, ...i.hosts, ...i.users, ...i.ips, ...i.domains, ...i.techniques, i.rsit.type]
    .join(' ')
    .toLowerCase();
}

/** `q` as a LIKE pattern with `\` as the escape character. */
export function likePattern(q: string): string {
  return `%${q
    .trim()
    .toLowerCase()
    .replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/** A stored row as an incident, with its cross-SOC links (read for the tenant of its document). */
export function toIncident(r: IncidentRow, links: (tenant: string) => readonly CrossSocLink[]): Incident {
  const doc = JSON.parse(r.doc) as Incident;
  const { caseId: _c, mergedInto: _m, closedReason: _r, ...rest } = doc;
  return {
    ...rest,
    status: r.status as IncidentStatus,
    ...(r.closed_reason && r.status === 'closed' ? { closedReason: r.closed_reason } : {}),
    ...(r.case_id === null ? {} : { caseId: r.case_id }),
    ...(r.merged_into === null ? {} : { mergedInto: r.merged_into }),
    links: links(doc.tenant),
  };
}

/** A row of the alert → incident lookup (`incidentsOfAlerts`). */
export interface AlertIncidentRow {
  readonly id: string;
  readonly status: string;
  readonly case_id: string | null;
  readonly title: string | null;
}

/** The incident an alert belongs to, as the alert views show it. */
export function toAlertIncidentRef(r: AlertIncidentRow): AlertIncidentRef {
  return {
    id: r.id,
    title: r.title ?? r.id,
    status: r.status as IncidentStatus,
    ...(r.case_id === null ? {} : { caseId: r.case_id }),
  };
}
