/**
 * @module
 * HTTP shapes of the report routes (threat reports in, STIX out, reviews) and of the learned
 * alert ranking, and the service the node implements behind them. The API package does not
 * depend on `@intersoc/text`: these schemas describe what crosses HTTP.
 */
import { z } from 'zod';
import type { AuthContext } from '@intersoc/core';
import { AlertSchema } from '../services.js';

const TLP = z.enum(['clear', 'green', 'amber', 'amber+strict', 'red']);

/** A report in lists. */
export const ReportSummarySchema = z
  .object({
    id: z.string(),
    sha256: z.string(),
    name: z.string(),
    title: z.string().optional(),
    format: z.string(),
    tlp: TLP,
    status: z.enum(['analysed', 'reviewed', 'published']),
    bytes: z.number().int(),
    pages: z.number().int(),
    items: z.number().int(),
    reviewed: z.number().int(),
    model: z.string(),
    added: z.number(),
    addedBy: z.string(),
    updated: z.number(),
    published: z.number().optional(),
  })
  .meta({ id: 'ReportSummary' });

/** A review of an item. */
export const ReviewSchema = z.object({
  item: z.string(),
  decision: z.enum(['accept', 'reject', 'correct']),
  value: z.string().optional(),
  by: z.string(),
  at: z.number(),
});

/** An extracted item with its review. */
export const ReportItemSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['indicator', 'technique', 'actor']),
    type: z.string(),
    value: z.string(),
    ref: z.string().optional(),
    name: z.string().optional(),
    sentence: z.number().int(),
    start: z.number().int(),
    end: z.number().int(),
    confidence: z.number(),
    source: z.string(),
    review: ReviewSchema.optional(),
  })
  .meta({ id: 'ReportItem' });

/** A report with its text, sentences, items and reviews. */
export const ReportDetailSchema = ReportSummarySchema.extend({
  document: z.object({
    text: z.string(),
    paragraphs: z.array(
      z.object({ start: z.number().int(), end: z.number().int(), page: z.number().int(), part: z.string() }),
    ),
    sentences: z.array(z.object({ start: z.number().int(), end: z.number().int(), paragraph: z.number().int() })),
    attachments: z.array(
      z.object({
        name: z.string(),
        mimeType: z.string(),
        bytes: z.number().int(),
        status: z.enum(['extracted', 'skipped']),
        reason: z.string().optional(),
      }),
    ),
    warnings: z.array(z.string()),
  }),
  items: z.array(ReportItemSchema),
  dropped: z.array(
    z.object({
      type: z.string(),
      value: z.string(),
      reason: z.string(),
      sentence: z.number().int(),
      start: z.number().int(),
      end: z.number().int(),
    }),
  ),
}).meta({ id: 'ReportDetail' });

/** Review decisions and missed techniques. */
export const ReviewBodySchema = z.object({
  decisions: z
    .array(
      z.object({
        item: z.string().regex(/^i\d{1,6}$/, 'not an item id'),
        decision: z.enum(['accept', 'reject', 'correct']),
        value: z.string().min(1).max(2048).optional(),
      }),
    )
    .max(5000)
    .default([]),
  add: z
    .array(
      z.object({
        sentence: z.number().int().min(0),
        technique: z.string().regex(/^T\d{4}(\.\d{3})?$/, 'not an ATT&CK technique id'),
      }),
    )
    .max(500)
    .default([]),
});

/** The outcome of publishing a report's bundle into the CTI store. */
export const PublishViewSchema = z.object({
  report: z.string(),
  bundle: z.string(),
  objects: z.number().int(),
  added: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(
    z.object({ id: z.string(), version: z.string(), status: z.string(), reason: z.string().optional() }),
  ),
});

/** A model version. */
export const ModelVersionSchema = z.object({
  kind: z.string(),
  version: z.string(),
  created: z.number(),
  file: z.string(),
  active: z.boolean(),
  metrics: z.record(z.string(), z.unknown()),
});

/** One feature's share in a ranked alert's score. */
export const RankReasonSchema = z.object({ feature: z.string(), weight: z.number() });

/** An alert with its learned probability of being real and why. */
export const RankedAlertSchema = z
  .object({
    alert: AlertSchema,
    status: z.enum(['new', 'acknowledged', 'closed']),
    probability: z.number(),
    reasons: z.array(RankReasonSchema),
  })
  .meta({ id: 'RankedAlert' });

/** An analyst's category of an incident. */
export const CategoryBodySchema = z.object({
  category: z
    .string()
    .regex(/^[a-z-]+\/[a-z0-9-]+$/, 'an RSIT class/type, e.g. intrusions/system-compromise')
    .describe('RSIT class/type'),
  tactic: z
    .string()
    .regex(/^[a-z-]+$/)
    .max(64)
    .default('none')
    .describe('furthest ATT&CK tactic reached, or none'),
});

/** The stored correction. */
export const CategoryViewSchema = z.object({
  incident: z.string(),
  category: z.string(),
  tactic: z.string(),
  by: z.string(),
  at: z.number(),
});

/** Upload options. */
export interface ReportUpload {
  readonly name: string;
  readonly tlp: z.infer<typeof TLP>;
}

/** What the node implements for these routes. */
export interface TextApiService {
  addReport(
    ctx: AuthContext,
    bytes: Uint8Array,
    o: ReportUpload,
  ): Promise<{ readonly summary: z.infer<typeof ReportSummarySchema>; readonly created: boolean }>;
  listReports(ctx: AuthContext): Promise<readonly z.infer<typeof ReportSummarySchema>[]>;
  getReport(ctx: AuthContext, id: string): Promise<z.infer<typeof ReportDetailSchema>>;
  review(
    ctx: AuthContext,
    id: string,
    body: z.infer<typeof ReviewBodySchema>,
  ): Promise<z.infer<typeof ReportDetailSchema>>;
  publish(ctx: AuthContext, id: string): Promise<z.infer<typeof PublishViewSchema>>;
  stix(ctx: AuthContext, id: string): Promise<Record<string, unknown>>;
  deleteReport(ctx: AuthContext, id: string): Promise<void>;
  models(
    ctx: AuthContext,
  ): Promise<{ readonly current: string; readonly items: readonly z.infer<typeof ModelVersionSchema>[] }>;
  /** Records an analyst's RSIT category (and tactic) of an incident: labelled data for the categoriser. */
  correctCategory(
    ctx: AuthContext,
    incident: string,
    body: z.infer<typeof CategoryBodySchema>,
  ): Promise<z.infer<typeof CategoryViewSchema>>;
  /** The alert queue ranked by the learned probability that each alert is real. */
  rankAlerts(
    ctx: AuthContext,
    q: {
      readonly statuses?: readonly ('new' | 'acknowledged' | 'closed')[];
      readonly limit: number;
      readonly from?: number;
      readonly to?: number;
    },
  ): Promise<{
    readonly model: string;
    readonly trained: boolean;
    readonly items: readonly z.infer<typeof RankedAlertSchema>[];
  }>;
}
