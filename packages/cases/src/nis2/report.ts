/**
 * @module
 * Drafts of the three NIS2 Article 23 reports from a case: the early warning (is it suspected
 * to be malicious, could it have cross-border impact), the incident notification (initial
 * assessment: severity, impact, indicators of compromise) and the final report (description,
 * root cause, mitigation applied and ongoing, cross-border impact, timeline). Analysts review
 * and complete the draft; the node fills in what the case already knows.
 */
import { isoTime, type Severity } from '@intersoc/core';
import type { Incident } from '@intersoc/correlate';
import type { Case, CaseObservable, CaseTask, Nis2ReportKind } from '../cases/types.js';
import { nis2Deadlines } from './deadlines.js';
import { NIS2_PREDICATES, NIS2_SECTORS, nis2Tag } from './vocab.js';

/** Who reports. */
export interface ReportingEntity {
  readonly name: string;
  /** NIS2 sector id (see `NIS2_SECTORS`). */
  readonly sector?: string;
  /** ISO 3166 country code of the entity. */
  readonly country?: string;
}

/** Everything a draft is made from. */
export interface ReportInput {
  readonly case: Case;
  readonly incidents: readonly Incident[];
  readonly observables: readonly CaseObservable[];
  readonly tasks: readonly CaseTask[];
  readonly entity: ReportingEntity;
  readonly now: number;
}

/** A report draft (JSON). */
export interface Nis2Report {
  readonly schema: 'intersoc/nis2-report/1';
  readonly kind: Nis2ReportKind;
  readonly generated: string;
  readonly entity: ReportingEntity;
  readonly case: { readonly id: string; readonly number: number; readonly title: string; readonly tlp: string };
  readonly awareAt: string;
  readonly deadline: string;
  readonly suspectedMalicious: boolean;
  readonly crossBorderImpact: 'yes' | 'no' | 'unknown';
  readonly classification: {
    readonly rsit?: { readonly class: string; readonly type: string };
    /** MISP `nis2` machine tags. */
    readonly tags: readonly string[];
  };
  readonly summary: string;
  readonly initialAssessment?: {
    readonly severity: string;
    readonly impact: string;
    readonly affected: { readonly hosts: readonly string[]; readonly accounts: readonly string[] };
    readonly indicators: readonly { readonly kind: string; readonly value: string }[];
  };
  readonly final?: {
    readonly description: string;
    readonly rootCause: string;
    readonly threatType: string;
    readonly mitigation: { readonly applied: readonly string[]; readonly ongoing: readonly string[] };
    readonly timeline: readonly { readonly time: string; readonly what: string }[];
    readonly techniques: readonly string[];
  };
}

const THREAT: Readonly<Record<Severity, string>> = {
  critical: 'high',
  high: 'high',
  medium: 'medium',
  low: 'low',
  informational: 'low',
};
const IMPACT: Readonly<Record<Severity, string>> = {
  critical: 'red',
  high: 'yellow',
  medium: 'green',
  low: 'white',
  informational: 'white',
};

function outlook(c: Case): string {
  if (c.status === 'new') return 'worsening';
  if (c.status === 'in-progress') return 'stable';
  return 'improving';
}

function rootCause(c: Case): string {
  if (c.resolution === 'false-positive' || c.resolution === 'benign') return 'human-errors';
  return 'malicious-actions';
}

/** Drafts one report. */
export function nis2Draft(kind: Nis2ReportKind, i: ReportInput): Nis2Report {
  const c = i.case;
  const aware = c.awareAt ?? c.detectedAt;
  const deadline = nis2Deadlines({ awareAt: aware, timeZone: c.timeZone, submitted: c.submitted }, i.now).find(
    (d) => d.kind === kind,
  );
  const hosts = [...new Set(i.incidents.flatMap((x) => x.hosts))].sort();
  const accounts = [...new Set(i.incidents.flatMap((x) => x.users))].sort();
  const techniques = [...new Set(i.incidents.flatMap((x) => x.techniques))].sort();
  const malicious = c.resolution !== 'false-positive' && c.resolution !== 'benign';
  const sector = c.tags.find((t) => t.startsWith('sector:'))?.slice(7) ?? i.entity.sector;
  const tags = [
    nis2Tag(NIS2_PREDICATES.rootCause, rootCause(c)),
    nis2Tag(NIS2_PREDICATES.threatSeverity, THREAT[c.severity]),
    nis2Tag(NIS2_PREDICATES.impactSeverity, IMPACT[c.severity]),
    nis2Tag(NIS2_PREDICATES.outlook, outlook(c)),
    ...(sector !== undefined && (NIS2_SECTORS as readonly string[]).includes(sector)
      ? [nis2Tag(NIS2_PREDICATES.sector, sector)]
      : []),
  ];
  const titles = i.incidents.map((x) => x.title);
  const summary =
    `${c.title}. ${i.incidents.length} incident(s)` +
    (hosts.length > 0 ? ` on ${hosts.length} host(s)` : '') +
    (accounts.length > 0 ? ` involving ${accounts.length} account(s)` : '') +
    (titles.length > 0 ? `: ${titles.slice(0, 3).join('; ')}.` : '.');
  const base = {
    schema: 'intersoc/nis2-report/1' as const,
    kind,
    generated: isoTime(i.now),
    entity: { ...i.entity, ...(sector === undefined ? {} : { sector }) },
    case: { id: c.id, number: c.number, title: c.title, tlp: c.tlp },
    awareAt: isoTime(aware),
    deadline: deadline?.dueLocal ?? '',
    suspectedMalicious: malicious,
    // External attacker addresses say nothing of impact abroad; the analyst answers this.
    crossBorderImpact: 'unknown' as const,
    classification: { ...(c.rsit === undefined ? {} : { rsit: c.rsit }), tags },
    summary,
  };
  if (kind === 'early-warning') return base;
  const indicators = i.observables.filter((o) => o.ioc).map((o) => ({ kind: o.kind, value: o.value }));
  const assessment = {
    severity: THREAT[c.severity],
    impact: IMPACT[c.severity],
    affected: { hosts, accounts },
    indicators,
  };
  if (kind === 'notification') return { ...base, initialAssessment: assessment };
  const timeline = i.incidents
    .flatMap((x) => x.timeline.map((e) => ({ t: e.time, what: `${e.rule}${e.host ? ` on ${e.host}` : ''}` })))
    .sort((a, b) => a.t - b.t)
    .slice(0, 100)
    .map((e) => ({ time: isoTime(e.t), what: e.what }));
  return {
    ...base,
    initialAssessment: assessment,
    final: {
      description: [c.description, ...titles].filter((s) => s.trim() !== '').join('\n'),
      rootCause: rootCause(c),
      threatType: c.rsit ? `${c.rsit.class}/${c.rsit.type}` : 'other/undetermined',
      mitigation: {
        applied: i.tasks.filter((t) => t.status === 'done').map((t) => t.title),
        ongoing: i.tasks.filter((t) => t.status === 'todo' || t.status === 'doing').map((t) => t.title),
      },
      timeline,
      techniques,
    },
  };
}
