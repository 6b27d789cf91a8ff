/**
 * @module
 * HTTP shapes of incidents, their alerts and the asset inventory.
 */
import { z } from 'zod';
import { SEVERITIES } from '@intersoc/core';
import type { Severity } from '@intersoc/core';

const Sev = z.enum(SEVERITIES as [Severity, ...Severity[]]);
const Strings = z.array(z.string()).readonly();
const EntityType = z.enum(['host', 'user', 'ip', 'process', 'file', 'hash', 'domain', 'url', 'registry']);

/** Incident statuses. */
export const IncidentStatusSchema = z.enum(['open', 'case', 'closed', 'merged']);

/** RSIT classification. */
export const RsitSchema = z
  .object({
    class: z.string(),
    type: z.string(),
    classLabel: z.string(),
    typeLabel: z.string(),
    reason: z.string(),
    classifier: z.string(),
    confidence: z.number(),
  })
  .meta({ id: 'RsitClassification' });

/** An indicator of the CTI store that matches one entity of an alert or incident. */
export const IntelMatchSchema = z
  .object({
    type: z.string().describe('entity type: ip, domain, url or hash'),
    value: z.string(),
    id: z.string().describe('the indicator (STIX id)'),
    name: z.string().optional(),
    source: z.string().optional(),
    tlp: z.string().optional(),
    confidence: z.number().optional(),
  })
  .meta({ id: 'IntelMatch' });

/** An incident in lists: no graph or timeline. */
export const IncidentBriefSchema = z
  .object({
    id: z.string(),
    tenant: z.string(),
    title: z.string(),
    severity: Sev,
    score: z.number().int().describe('0-100: alert severity × asset criticality × confidence × spread'),
    status: IncidentStatusSchema,
    maxAlertSeverity: Sev,
    firstSeen: z.number(),
    lastSeen: z.number(),
    created: z.number(),
    updated: z.number(),
    alertCount: z.number().int(),
    hosts: Strings,
    users: Strings,
    ips: Strings,
    domains: Strings,
    tactics: Strings,
    techniques: Strings,
    rsit: RsitSchema,
    sources: Strings,
    caseId: z.string().optional(),
    mergedInto: z.string().optional(),
    closedReason: z.string().optional().describe('why closing its alerts closed it (all false positives)'),
  })
  .meta({ id: 'IncidentBrief' });

/** A whole incident. */
export const IncidentSchema = IncidentBriefSchema.extend({
  scoreParts: z.object({ severity: z.number(), criticality: z.number(), confidence: z.number(), spread: z.number() }),
  rules: z
    .array(
      z.object({ ruleId: z.string(), title: z.string(), kind: z.string(), severity: Sev, count: z.number().int() }),
    )
    .readonly(),
  graph: z.object({
    nodes: z
      .array(z.object({ id: z.string(), type: EntityType, value: z.string(), alerts: z.number().int() }))
      .readonly(),
    edges: z
      .array(
        z.object({
          source: z.string(),
          target: z.string(),
          kind: z.enum(['observed', 'lateral', 'network']),
          alerts: z.number().int(),
          evidence: Strings.describe('alert ids'),
        }),
      )
      .readonly(),
  }),
  timeline: z
    .array(
      z.object({
        time: z.number(),
        last: z.number(),
        alertId: z.string(),
        ruleId: z.string(),
        rule: z.string(),
        severity: Sev,
        summary: z.string(),
        tactics: Strings,
        techniques: Strings,
        host: z.string().optional(),
        count: z.number().int().describe('alerts the line stands for (repeats collapsed)'),
      }),
    )
    .readonly(),
  mergedFrom: Strings,
  links: z
    .array(z.object({ peer: z.string(), kind: z.string(), ref: z.string(), observable: z.string(), time: z.number() }))
    .readonly()
    .describe('other SOCs whose sightings or indicators match'),
  intel: z
    .array(IntelMatchSchema)
    .readonly()
    .optional()
    .describe("indicators of the tenant's CTI store that match the incident's entities (checked on read)"),
}).meta({ id: 'Incident' });

/** An alert as an incident keeps it. */
export const IncidentAlertSchema = z
  .object({
    id: z.string(),
    time: z.number(),
    ruleId: z.string(),
    rule: z.string(),
    kind: z.string(),
    severity: Sev,
    summary: z.string(),
    tactics: Strings,
    techniques: Strings,
    entities: z.array(z.object({ type: EntityType, value: z.string(), role: z.string().optional() })).readonly(),
    eventIds: Strings.describe(
      'the events the alert was raised on, as the event store keys them (GET /api/events/{id}); empty for alerts kept before ids were',
    ),
    state: z
      .object({
        status: z.enum(['new', 'acknowledged', 'closed']),
        reason: z.string().optional(),
        by: z.string().optional(),
        changed: z.number().optional(),
      })
      .optional()
      .describe("the alert's triage state in the queue"),
  })
  .meta({ id: 'IncidentAlert' });

/** Incident counts. */
export const IncidentCountsSchema = z.object({
  total: z.number().int(),
  byStatus: z.record(z.string(), z.number().int()),
  bySeverity: z.record(z.string(), z.number().int()),
});

const Criticality = z.enum(['low', 'medium', 'high', 'critical']);

/** An asset of the inventory. */
export const AssetSchema = z
  .object({
    tenant: z.string(),
    kind: z.enum(['host', 'user']),
    name: z.string(),
    aliases: Strings,
    ips: Strings,
    criticality: Criticality,
    role: z.string().optional(),
    owner: z.string().optional(),
    tags: Strings,
    source: z.string(),
    updated: z.number(),
  })
  .meta({ id: 'Asset' });

/** What a client sends to create or replace an asset. */
export const AssetInputSchema = z.object({
  kind: z.enum(['host', 'user']),
  name: z.string().trim().min(1).max(255),
  aliases: z.array(z.string().max(255)).max(64).optional(),
  ips: z.array(z.string().max(64)).max(64).optional(),
  criticality: Criticality,
  role: z.string().max(64).optional(),
  owner: z.string().max(255).optional(),
  tags: z.array(z.string().max(64)).max(32).optional(),
});

/** Types of the shapes. */
export type IncidentBrief = z.infer<typeof IncidentBriefSchema>;
export type IntelMatchView = z.infer<typeof IntelMatchSchema>;
export type IncidentView = z.infer<typeof IncidentSchema>;
export type IncidentAlertView = z.infer<typeof IncidentAlertSchema>;
export type IncidentCountsView = z.infer<typeof IncidentCountsSchema>;
export type AssetView = z.infer<typeof AssetSchema>;
export type AssetInputView = z.infer<typeof AssetInputSchema>;
