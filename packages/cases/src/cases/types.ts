/**
 * @module
 * The case model: what analysts work. A case is opened from incidents or by hand and carries a
 * status workflow with a resolution, assignee, severity, TLP and PAP, tasks, observables,
 * comments, attachments, a timeline, a full history, metrics timestamps and, when significant
 * under NIS2, the reporting state.
 */
import type { Severity } from '@intersoc/core';

/** Where a case stands. */
export type CaseStatus = 'new' | 'in-progress' | 'contained' | 'resolved' | 'closed';

/** Every status, in workflow order. */
export const CASE_STATUSES: readonly CaseStatus[] = ['new', 'in-progress', 'contained', 'resolved', 'closed'];

/** How a case ended. */
export type Resolution = 'true-positive' | 'false-positive' | 'benign' | 'duplicate';

/** Every resolution. */
export const RESOLUTIONS: readonly Resolution[] = ['true-positive', 'false-positive', 'benign', 'duplicate'];

/** Traffic Light Protocol 2.0. */
export type Tlp = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';

/** Every TLP level. */
export const TLPS: readonly Tlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];

/** Permissible Actions Protocol. */
export type Pap = 'clear' | 'green' | 'amber' | 'red';

/** Every PAP level. */
export const PAPS: readonly Pap[] = ['clear', 'green', 'amber', 'red'];

/** The three NIS2 Article 23 reports. */
export type Nis2ReportKind = 'early-warning' | 'notification' | 'final';

/** Every NIS2 report kind, in order. */
export const NIS2_REPORTS: readonly Nis2ReportKind[] = ['early-warning', 'notification', 'final'];

/** A case. */
export interface Case {
  readonly id: string;
  readonly tenant: string;
  /** Per-tenant sequence number, for humans (`#12`). */
  readonly number: number;
  readonly title: string;
  readonly description: string;
  readonly status: CaseStatus;
  readonly resolution?: Resolution;
  /** The case this one duplicates (resolution `duplicate`). */
  readonly duplicateOf?: string;
  readonly severity: Severity;
  readonly tlp: Tlp;
  readonly pap: Pap;
  readonly assignee?: string;
  readonly tags: readonly string[];
  /** Incidents the case was opened from or that were added later. */
  readonly incidents: readonly string[];
  /** Rules whose alerts are in the case (for false-positive feedback). */
  readonly rules: readonly string[];
  /** RSIT class/type of the case (from its incidents, or set by hand). */
  readonly rsit?: { readonly class: string; readonly type: string };
  /** Significant incident under NIS2 Article 23: the reporting deadlines apply. */
  readonly significant: boolean;
  /** When the SOC became aware of the (significant) incident, epoch ms. */
  readonly awareAt?: number;
  /** IANA time zone deadlines are shown and months are counted in (default `UTC`). */
  readonly timeZone: string;
  /** When each NIS2 report was submitted, epoch ms. */
  readonly submitted: Readonly<Partial<Record<Nis2ReportKind, number>>>;
  /** First malicious activity seen (earliest alert of its incidents), epoch ms. */
  readonly occurredAt?: number;
  /** When the node raised it (first incident created, or the case itself), epoch ms. */
  readonly detectedAt: number;
  readonly acknowledgedAt?: number;
  readonly containedAt?: number;
  readonly resolvedAt?: number;
  readonly closedAt?: number;
  readonly created: number;
  readonly createdBy: string;
  readonly updated: number;
}

/** States of a task. */
export type TaskStatus = 'todo' | 'doing' | 'done' | 'skipped';

/** Every task status. */
export const TASK_STATUSES: readonly TaskStatus[] = ['todo', 'doing', 'done', 'skipped'];

/** A task of a case. */
export interface CaseTask {
  readonly id: string;
  readonly caseId: string;
  readonly title: string;
  readonly description?: string;
  /** Phase the task belongs to (triage, containment, eradication, recovery, reporting). */
  readonly group: string;
  readonly order: number;
  readonly status: TaskStatus;
  readonly assignee?: string;
  readonly created: number;
  readonly updated: number;
  readonly doneAt?: number;
}

/** An entry of a task's work log (what was done, found or decided while working the task). */
export interface CaseTaskLog {
  readonly id: string;
  readonly caseId: string;
  readonly taskId: string;
  readonly text: string;
  readonly author: string;
  readonly created: number;
}

/** Kinds of observable. */
export type ObservableKind =
  'ip' | 'domain' | 'url' | 'hash' | 'email' | 'host' | 'user' | 'file' | 'registry' | 'other';

/** Every observable kind. */
export const OBSERVABLE_KINDS: readonly ObservableKind[] = [
  'ip',
  'domain',
  'url',
  'hash',
  'email',
  'host',
  'user',
  'file',
  'registry',
  'other',
];

/** What the CTI core knows about an observable. */
export interface Enrichment {
  readonly checked: number;
  /** Indicators that match it. */
  readonly matches: readonly {
    readonly id: string;
    readonly name?: string;
    readonly tlp?: string;
    readonly confidence?: number;
    readonly source?: string;
    readonly techniques?: readonly string[];
  }[];
}

/** An observable of a case. */
export interface CaseObservable {
  readonly id: string;
  readonly caseId: string;
  readonly kind: ObservableKind;
  readonly value: string;
  /** Marked as an indicator of compromise (goes into reports and sharing). */
  readonly ioc: boolean;
  readonly tlp?: Tlp;
  readonly tags: readonly string[];
  /** `incident` (taken from the case's incidents) or `analyst`. */
  readonly source: string;
  readonly enrichment?: Enrichment;
  readonly created: number;
}

/** A comment on a case. */
export interface CaseComment {
  readonly id: string;
  readonly caseId: string;
  readonly author: string;
  readonly text: string;
  readonly created: number;
  readonly edited?: number;
}

/** An attachment's metadata; the bytes are fetched separately. */
export interface CaseAttachment {
  readonly id: string;
  readonly caseId: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
  readonly md5: string;
  readonly author: string;
  readonly created: number;
}

/** Kinds of timeline entry. */
export type TimelineKind =
  'alert' | 'incident' | 'status' | 'task' | 'comment' | 'observable' | 'attachment' | 'note' | 'report';

/** One entry of a case's timeline. */
export interface CaseTimelineEntry {
  readonly time: number;
  readonly kind: TimelineKind;
  readonly title: string;
  readonly detail?: string;
  readonly author?: string;
  /** Alert, incident, task ... id the entry is about. */
  readonly ref?: string;
  /** Analyst annotation id (for notes). */
  readonly noteId?: string;
  readonly severity?: Severity;
  /** Repeats an alert line stands for. */
  readonly count?: number;
}

/** An analyst's annotation of the timeline. */
export interface CaseNote {
  readonly id: string;
  readonly caseId: string;
  /** The moment the note is about (not when it was written), epoch ms. */
  readonly time: number;
  readonly text: string;
  /** Alert or event the note is about. */
  readonly ref?: string;
  readonly author: string;
  readonly created: number;
}

/** One entry of a case's history (append-only). */
export interface CaseHistoryEntry {
  readonly seq: number;
  readonly caseId: string;
  readonly time: number;
  readonly actor: string;
  readonly action: string;
  readonly detail: Readonly<Record<string, unknown>>;
}
