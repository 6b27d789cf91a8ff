/**
 * @module
 * HTTP shapes of cases and their parts, NIS2 deadlines, metrics, templates and rule feedback.
 */
import { z } from 'zod';
import { SEVERITIES } from '@intersoc/core';
import type { Severity } from '@intersoc/core';

const Sev = z.enum(SEVERITIES as [Severity, ...Severity[]]);
const Strings = z.array(z.string()).readonly();

export const CaseStatusSchema = z.enum(['new', 'in-progress', 'contained', 'resolved', 'closed']);
export const ResolutionSchema = z.enum(['true-positive', 'false-positive', 'benign', 'duplicate']);
export const TlpSchema = z.enum(['clear', 'green', 'amber', 'amber+strict', 'red']);
export const PapSchema = z.enum(['clear', 'green', 'amber', 'red']);
export const Nis2KindSchema = z.enum(['early-warning', 'notification', 'final']);
export const ObservableKindSchema = z.enum([
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
]);
export const TaskStatusSchema = z.enum(['todo', 'doing', 'done', 'skipped']);

/** A case. */
export const CaseSchema = z
  .object({
    id: z.string(),
    tenant: z.string(),
    number: z.number().int(),
    title: z.string(),
    description: z.string(),
    status: CaseStatusSchema,
    resolution: ResolutionSchema.optional(),
    duplicateOf: z.string().optional(),
    severity: Sev,
    tlp: TlpSchema,
    pap: PapSchema,
    assignee: z.string().optional(),
    tags: Strings,
    incidents: Strings,
    rules: Strings,
    rsit: z.object({ class: z.string(), type: z.string() }).optional(),
    significant: z.boolean().describe('significant incident under NIS2 Article 23'),
    awareAt: z.number().optional().describe('when the SOC became aware, epoch ms'),
    timeZone: z.string(),
    submitted: z.object({
      'early-warning': z.number().optional(),
      notification: z.number().optional(),
      final: z.number().optional(),
    }),
    occurredAt: z.number().optional(),
    detectedAt: z.number(),
    acknowledgedAt: z.number().optional(),
    containedAt: z.number().optional(),
    resolvedAt: z.number().optional(),
    closedAt: z.number().optional(),
    created: z.number(),
    createdBy: z.string(),
    updated: z.number(),
  })
  .meta({ id: 'Case' });

export const TaskSchema = z
  .object({
    id: z.string(),
    caseId: z.string(),
    title: z.string(),
    description: z.string().optional(),
    group: z.string(),
    order: z.number().int(),
    status: TaskStatusSchema,
    assignee: z.string().optional(),
    created: z.number(),
    updated: z.number(),
    doneAt: z.number().optional(),
  })
  .meta({ id: 'CaseTask' });

export const TaskLogSchema = z
  .object({
    id: z.string(),
    caseId: z.string(),
    taskId: z.string(),
    text: z.string(),
    author: z.string(),
    created: z.number(),
  })
  .meta({ id: 'CaseTaskLog' });

export const ObservableSchema = z
  .object({
    id: z.string(),
    caseId: z.string(),
    kind: ObservableKindSchema,
    value: z.string(),
    ioc: z.boolean(),
    tlp: TlpSchema.optional(),
    tags: Strings,
    source: z.string(),
    enrichment: z
      .object({
        checked: z.number(),
        matches: z
          .array(
            z.object({
              id: z.string(),
              name: z.string().optional(),
              tlp: z.string().optional(),
              confidence: z.number().optional(),
              source: z.string().optional(),
              techniques: Strings.optional(),
            }),
          )
          .readonly(),
      })
      .optional(),
    created: z.number(),
  })
  .meta({ id: 'CaseObservable' });

export const CommentSchema = z
  .object({
    id: z.string(),
    caseId: z.string(),
    author: z.string(),
    text: z.string(),
    created: z.number(),
    edited: z.number().optional(),
  })
  .meta({ id: 'CaseComment' });

export const AttachmentSchema = z
  .object({
    id: z.string(),
    caseId: z.string(),
    name: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    md5: z.string(),
    author: z.string(),
    created: z.number(),
  })
  .meta({ id: 'CaseAttachment' });

export const NoteSchema = z
  .object({
    id: z.string(),
    caseId: z.string(),
    time: z.number(),
    text: z.string(),
    ref: z.string().optional(),
    author: z.string(),
    created: z.number(),
  })
  .meta({ id: 'CaseNote' });

export const TimelineEntrySchema = z
  .object({
    time: z.number(),
    kind: z.enum(['alert', 'incident', 'status', 'task', 'comment', 'observable', 'attachment', 'note', 'report']),
    title: z.string(),
    detail: z.string().optional(),
    author: z.string().optional(),
    ref: z.string().optional(),
    noteId: z.string().optional(),
    severity: Sev.optional(),
    count: z.number().int().optional(),
  })
  .meta({ id: 'CaseTimelineEntry' });

export const HistoryEntrySchema = z
  .object({
    seq: z.number().int(),
    caseId: z.string(),
    time: z.number(),
    actor: z.string(),
    action: z.string(),
    detail: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'CaseHistoryEntry' });

export const DeadlineSchema = z
  .object({
    kind: Nis2KindSchema,
    due: z.number(),
    dueLocal: z.string().describe('ISO-8601 in the case time zone'),
    warnFrom: z.number(),
    basis: z.string(),
    submitted: z.number().optional(),
    state: z.enum(['pending', 'due-soon', 'overdue', 'submitted', 'late']),
    remainingMs: z.number(),
  })
  .meta({ id: 'Nis2Deadline' });

const Durations = {
  mttd: z.number().optional(),
  mtta: z.number().optional(),
  mttc: z.number().optional(),
  mttr: z.number().optional(),
};

export const CaseMetricsSchema = z.object({
  ttd: z.number().optional(),
  tta: z.number().optional(),
  ttc: z.number().optional(),
  ttr: z.number().optional(),
});

export const TenantMetricsSchema = z
  .object({
    from: z.number(),
    to: z.number(),
    bucketMs: z.number(),
    cases: z.number().int(),
    byStatus: z.record(z.string(), z.number().int()),
    byResolution: z.record(z.string(), z.number().int()),
    ...Durations,
    buckets: z.array(z.object({ start: z.number(), cases: z.number().int(), ...Durations })).readonly(),
    nis2: z.object({
      significant: z.number().int(),
      met: z.number().int(),
      missed: z.number().int(),
      open: z.number().int(),
    }),
    alerts: z
      .object({
        closed: z.number().int().describe('distinct alerts closed in the window, in the queue or with their case'),
        inQueue: z.number().int().describe('closed in the alert queue'),
        inCases: z.number().int().describe('closed with the case they are in'),
        byReason: z.record(z.string(), z.number().int()).describe('queue closures by reason'),
      })
      .optional()
      .describe('alerts closed in the window, wherever they were closed'),
  })
  .meta({ id: 'CaseMetrics' });

export const TemplateSchema = z
  .object({
    key: z.string().min(1).max(128),
    name: z.string().min(1).max(200),
    tasks: z
      .array(
        z.object({
          title: z.string().min(1).max(500),
          group: z.string().min(1).max(64),
          description: z.string().max(4000).optional(),
        }),
      )
      .min(1)
      .max(100)
      .readonly(),
  })
  .meta({ id: 'TaskTemplate' });

export const RuleFeedbackSchema = z
  .object({
    ruleId: z.string(),
    ruleTitle: z.string(),
    falsePositives: z.number().int(),
    truePositives: z.number().int(),
    benign: z.number().int(),
    lastCase: z.string().optional(),
    updated: z.number(),
  })
  .meta({ id: 'RuleFeedback' });

export const SuggestionSchema = z
  .object({
    id: z.string(),
    ruleId: z.string(),
    ruleTitle: z.string(),
    action: z.enum(['suppress', 'lower-level', 'disable']),
    field: z.string().optional(),
    value: z.string().optional(),
    level: Sev.optional(),
    reason: z.string(),
    cases: Strings,
    alerts: z.number().int(),
    status: z.enum(['suggested', 'accepted', 'dismissed']),
    created: z.number(),
    decided: z.number().optional(),
    decidedBy: z.string().optional(),
  })
  .meta({ id: 'SuppressionSuggestion' });

/** A case with everything shown on its page. */
export const CaseDetailSchema = z
  .object({
    case: CaseSchema,
    tasks: z.array(TaskSchema).readonly(),
    observables: z.array(ObservableSchema).readonly(),
    comments: z.array(CommentSchema).readonly(),
    attachments: z.array(AttachmentSchema).readonly(),
    deadlines: z.array(DeadlineSchema).readonly(),
    metrics: CaseMetricsSchema,
  })
  .meta({ id: 'CaseDetail' });

export type CaseView = z.infer<typeof CaseSchema>;
export type CaseDetailView = z.infer<typeof CaseDetailSchema>;
export type TaskView = z.infer<typeof TaskSchema>;
export type TaskLogView = z.infer<typeof TaskLogSchema>;
export type ObservableView = z.infer<typeof ObservableSchema>;
export type CommentView = z.infer<typeof CommentSchema>;
export type AttachmentView = z.infer<typeof AttachmentSchema>;
export type NoteView = z.infer<typeof NoteSchema>;
export type TimelineEntryView = z.infer<typeof TimelineEntrySchema>;
export type HistoryEntryView = z.infer<typeof HistoryEntrySchema>;
export type DeadlineView = z.infer<typeof DeadlineSchema>;
export type TenantMetricsView = z.infer<typeof TenantMetricsSchema>;
export type TemplateView = z.infer<typeof TemplateSchema>;
export type RuleFeedbackView = z.infer<typeof RuleFeedbackSchema>;
export type SuggestionView = z.infer<typeof SuggestionSchema>;
