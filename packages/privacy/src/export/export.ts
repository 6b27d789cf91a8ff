/**
 * @module
 * Subject access (GDPR Art. 15): everything the node holds about one data subject. Events are
 * found through the event store's search (every tenant asked for); alerts, incidents, cases with
 * their notes, tasks and observables, CTI objects and audit entries are read from their tables and
 * matched at token bounds. The result is machine-readable; `renderReport` makes the report a
 * person can read.
 */
import { isoTime, systemContext, type SocEvent } from '@intersoc/core';
import type { EventReader, SqliteDb } from '@intersoc/storage';
import { mentions, subjectLabel, subjectValues, valuesPattern, type Subject } from '../subject/subject.js';
import { isToken } from '../internal/tokens.js';
import { rowsOf } from '../internal/tables.js';

/** Kinds of record a subject export counts. */
export const RECORD_KINDS = [
  'events',
  'alerts',
  'incidents',
  'cases',
  'observables',
  'cti',
  'audit',
  'assets',
] as const;
/** A kind of record. */
export type RecordKind = (typeof RECORD_KINDS)[number];

/** One record that mentions the subject. */
export interface SubjectItem {
  readonly kind: RecordKind;
  readonly tenant: string;
  readonly id: string;
  readonly time?: number;
  /** One line saying what it is. */
  readonly summary: string;
  /** The record as stored (events: the raw record and its fields). */
  readonly record: unknown;
}

/** The answer to a subject access request. */
export interface SubjectExport {
  readonly subject: string;
  readonly generated: number;
  readonly tenants: readonly string[];
  readonly counts: Readonly<Record<RecordKind, number>>;
  readonly items: readonly SubjectItem[];
}

/** Where to look. */
export interface ExportSources {
  readonly nodeDb: SqliteDb;
  readonly events?: EventReader;
  readonly tenants: readonly string[];
  /** Most events listed per tenant (all are counted up to this). */
  readonly maxEvents?: number;
}

/** The event-search query for a subject's values. */
export function subjectQuery(subject: Subject): string {
  return subjectValues(subject)
    .map((v) => (isToken(v) ? v : `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`))
    .join(' OR ');
}

/** Finds everything about `subject`. */
export function exportSubject(src: ExportSources, subject: Subject, now = Date.now()): SubjectExport {
  const re = valuesPattern(subjectValues(subject)) as RegExp;
  const hit = (s: string | null | undefined): boolean => typeof s === 'string' && mentions(re, s);
  const items: SubjectItem[] = [];
  const max = src.maxEvents ?? 100_000;
  for (const tenant of src.tenants) {
    if (src.events) items.push(...eventsOf(src.events, tenant, subject, re, max));
    const db = src.nodeDb;
    for (const r of rowsOf<{ id: string; last_seen: number; doc: string }>(
      db,
      'incidents',
      'SELECT id, last_seen, doc FROM incidents WHERE tenant = ?',
      tenant,
    ))
      if (hit(r.doc)) {
        const d = JSON.parse(r.doc) as { title?: string };
        items.push({ kind: 'incidents', tenant, id: r.id, time: r.last_seen, summary: d.title ?? r.id, record: d });
      }
    for (const r of rowsOf<{ id: string; number: number; created: number; doc: string }>(
      db,
      'cases',
      'SELECT id, number, created, doc FROM cases WHERE tenant = ?',
      tenant,
    ))
      if (hit(r.doc)) {
        const d = JSON.parse(r.doc) as { title?: string };
        items.push({
          kind: 'cases',
          tenant,
          id: r.id,
          time: r.created,
          summary: `case #${r.number}: ${d.title ?? ''}`,
          record: d,
        });
      }
    for (const r of rowsOf<{ case_id: string; kind: string; id: string; doc: string }>(
      db,
      'case_parts',
      'SELECT case_id, kind, id, doc FROM case_parts WHERE tenant = ?',
      tenant,
    ))
      if (hit(r.doc))
        items.push({
          kind: r.kind.startsWith('observable') ? 'observables' : 'cases',
          tenant,
          id: `${r.case_id}/${r.kind}/${r.id}`,
          summary: `${r.kind} of case ${r.case_id}`,
          record: JSON.parse(r.doc) as unknown,
        });
    for (const r of rowsOf<{ value: string; incident: string }>(
      db,
      'incident_observables',
      'SELECT value, incident FROM incident_observables WHERE tenant = ?',
      tenant,
    ))
      if (hit(r.value))
        items.push({
          kind: 'observables',
          tenant,
          id: `${r.incident}/${r.value}`,
          summary: `observable of incident ${r.incident}`,
          record: r,
        });
    for (const r of rowsOf<{ kind: string; name: string; doc: string }>(
      db,
      'assets',
      'SELECT kind, name, doc FROM assets WHERE tenant = ?',
      tenant,
    ))
      if (hit(r.doc))
        items.push({
          kind: 'assets',
          tenant,
          id: `${r.kind}/${r.name}`,
          summary: `${r.kind} ${r.name} in the asset inventory`,
          record: JSON.parse(r.doc) as unknown,
        });
    for (const r of rowsOf<{ id: string; version: string; type: string; json: string }>(
      db,
      'cti_objects',
      'SELECT id, version, type, json FROM cti_objects WHERE tenant = ?',
      tenant,
    ))
      if (hit(r.json))
        items.push({
          kind: 'cti',
          tenant,
          id: `${r.id}@${r.version}`,
          summary: `${r.type} ${r.id}`,
          record: JSON.parse(r.json) as unknown,
        });
    for (const r of rowsOf<{
      seq: number;
      time: number;
      actor: string;
      action: string;
      target: string | null;
      details: string | null;
    }>(db, 'audit_log', 'SELECT seq, time, actor, action, target, details FROM audit_log WHERE tenant = ?', tenant))
      if (hit(r.actor) || hit(r.target) || hit(r.details))
        items.push({
          kind: 'audit',
          tenant,
          id: `${tenant}/${r.seq}`,
          time: r.time,
          summary: `${r.action} by ${r.actor}${r.target ? ` on ${r.target}` : ''}`,
          record: r,
        });
  }
  const counts = Object.fromEntries(RECORD_KINDS.map((k) => [k, 0])) as Record<RecordKind, number>;
  for (const it of items) counts[it.kind]++;
  return { subject: subjectLabel(subject), generated: now, tenants: src.tenants, counts, items };
}

function eventsOf(reader: EventReader, tenant: string, subject: Subject, re: RegExp, max: number): SubjectItem[] {
  const ctx = systemContext(tenant);
  const q = subjectQuery(subject);
  const out: SubjectItem[] = [];
  let cursor: string | undefined;
  do {
    const page = reader.searchEvents(ctx, { q, limit: 10_000, ...(cursor ? { cursor } : {}) });
    for (const e of page.items) if (out.length < max && eventMentions(e, re)) out.push(eventItem(e));
    cursor = page.next;
  } while (cursor && out.length < max);
  // Alerts: the same search over the alert documents.
  cursor = undefined;
  do {
    const page = reader.searchAlerts(ctx, { q, limit: 10_000, ...(cursor ? { cursor } : {}) });
    for (const a of page.items)
      if (mentions(re, JSON.stringify(a)))
        out.push({
          kind: 'alerts',
          tenant,
          id: a.id,
          time: a.time,
          summary: a.summary ?? a.detector.ruleId,
          record: a,
        });
    cursor = page.next;
  } while (cursor);
  return out;
}

function eventMentions(e: SocEvent, re: RegExp): boolean {
  return mentions(re, e.raw) || mentions(re, JSON.stringify(e.ecs)) || mentions(re, JSON.stringify(e.fields));
}

function eventItem(e: SocEvent): SubjectItem {
  return {
    kind: 'events',
    tenant: e.tenant,
    id: e.id,
    time: e.time,
    summary: `${e.source.format} event from ${e.source.name}`,
    record: { source: e.source, raw: e.raw, ecs: e.ecs },
  };
}

/** The report a person can read (Markdown). */
export function renderReport(x: SubjectExport): string {
  const lines = [
    `# What this SOC holds about ${x.subject}`,
    '',
    `Generated ${isoTime(x.generated)} over the tenants ${x.tenants.join(', ') || '(none)'}.`,
    '',
    'The node processes these records for network and information security (GDPR Art. 6(1)(f), Recital 49).',
    '',
    '| records | count |',
    '|---|---|',
    ...Object.entries(x.counts).map(([k, n]) => `| ${k} | ${n} |`),
    '',
  ];
  for (const kind of Object.keys(x.counts)) {
    const its = x.items.filter((i) => i.kind === kind);
    if (its.length === 0) continue;
    lines.push(`## ${kind}`, '');
    for (const i of its.slice(0, 1000))
      lines.push(`- ${i.time === undefined ? '' : `${isoTime(i.time)} `}[${i.tenant}] ${i.summary} (${i.id})`);
    if (its.length > 1000) lines.push(`- … and ${its.length - 1000} more (see the JSON file)`);
    lines.push('');
  }
  return lines.join('\n');
}
