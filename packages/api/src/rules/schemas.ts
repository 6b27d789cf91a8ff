/**
 * @module
 * HTTP shapes of rules and ATT&CK coverage.
 */
import { z } from 'zod';
import { SEVERITIES } from '@intersoc/core';
import type { Severity } from '@intersoc/core';

/** Severity enum for schemas. */
export const SeveritySchema = z.enum(SEVERITIES as [Severity, ...Severity[]]);

/** A detection rule as the API returns it. */
export const RuleInfoSchema = z
  .object({
    key: z.string().describe('rule id, or title:<title> for rules without one'),
    title: z.string(),
    kind: z.enum(['rule', 'correlation']),
    enabled: z.boolean(),
    level: SeveritySchema.describe('level in force'),
    ruleLevel: SeveritySchema.optional().describe("the rule's own level, when tuning overrides it"),
    status: z.string().optional(),
    description: z.string().optional(),
    author: z.string().optional(),
    tactics: z.array(z.string()).readonly(),
    techniques: z.array(z.string()).readonly(),
    logsource: z.record(z.string(), z.string()),
    path: z.string(),
    pack: z.string(),
    references: z.array(z.string()).readonly(),
    falsepositives: z.array(z.string()).readonly(),
    hits: z.number().int().describe('stored alerts raised by the rule'),
    lastHit: z.number().optional(),
    fields: z.array(z.string()).readonly().describe('fields the detection tests'),
  })
  .meta({ id: 'RuleInfo' });

/** A rule document that did not load. */
export const RuleRejectionSchema = z
  .object({ path: z.string(), title: z.string(), id: z.string().optional(), reason: z.string() })
  .meta({ id: 'RuleRejection' });

/** One technique of the ATT&CK matrix. */
export const TechniqueCoverageSchema = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    tactics: z.array(z.string()).readonly(),
    rules: z.number().int().describe('enabled rules that detect it'),
    alerts: z.number().int().describe('stored alerts that name it'),
  })
  .meta({ id: 'TechniqueCoverage' });
