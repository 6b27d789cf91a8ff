/**
 * @module
 * HTTP shapes of the respond routes. Playbooks and run views are passed through as JSON objects
 * (CACAO documents carry extensions the schema cannot list); requests are checked strictly.
 */
import { z } from 'zod';

/** CACAO identifiers and run ids in paths. */
export const PlaybookId = z.string().regex(/^playbook--[0-9a-fA-F-]{36}$/, 'not a playbook id');
export const RunId = z.string().regex(/^[0-9a-f]{32}$/, 'not a run id');
export const StepId = z.string().regex(/^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F-]{36}$/, 'not a step id');
export const Version = z
  .string()
  .max(64)
  .optional()
  .describe('the playbook version (its modified time); latest by default');

/** A JSON object passed through. */
export const JsonObject = z.record(z.string(), z.unknown());

const Values = z.record(
  z.string().regex(/^__[a-zA-Z_][a-zA-Z0-9_-]{0,199}__$/, 'not a variable name'),
  z.string().max(4096),
);

export const RunSummarySchema = z.object({
  id: z.string(),
  playbookId: z.string(),
  playbookVersion: z.string(),
  playbookName: z.string(),
  status: z.string(),
  dryRun: z.boolean(),
  requestedBy: z.string(),
  trigger: z.object({ kind: z.string(), ref: z.string().optional(), reason: z.string().optional() }),
  created: z.number(),
  updated: z.number(),
  reason: z.string().optional(),
  parentRun: z.string().optional(),
});

export const RunRequestSchema = z
  .object({
    playbook: PlaybookId,
    version: Version,
    variables: Values.optional(),
    dryRun: z.boolean().optional(),
    incident: z.string().min(1).max(128).optional(),
    case: z.string().min(1).max(128).optional(),
  })
  .strict();

export const AnswerSchema = z.object({ values: Values }).strict();
export const ReasonSchema = z.object({ reason: z.string().min(1).max(2000) }).strict();
export const OptionalReasonSchema = z.object({ reason: z.string().min(1).max(2000).optional() }).strict();
export const ResolveSchema = z.object({ resolution: z.enum(['retry', 'done', 'fail']) }).strict();
export const ExtendSchema = z
  .object({
    ms: z
      .number()
      .int()
      .min(1000)
      .max(90 * 86_400_000),
  })
  .strict();
export const ShareSchema = z
  .object({ tlp: z.enum(['clear', 'green', 'amber', 'amber+strict', 'red']).optional() })
  .strict();
export const AddSchema = z.object({ playbook: JsonObject, extractSecrets: z.boolean().optional() }).strict();
