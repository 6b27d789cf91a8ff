/**
 * @module
 * The alert queue: `GET /api/triage/alerts` (filters, status, cursor pages of up to 5,000),
 * `GET /api/triage/alerts/:id` (the alert, its state, its events and its rule) and
 * `POST /api/triage/alerts/status` (bulk acknowledge, close with a reason, or reopen).
 */
import { z } from 'zod';
import { AppError, SEVERITIES } from '@intersoc/core';
import type { Severity, SocEvent } from '@intersoc/core';
import { noteAudit, scopeFor } from '../access/request-state.js';
import { compact } from '../internal/compact.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp } from '../internal/app-types.js';
import { AlertSchema, SocEventSchema, TimeParam } from '../services.js';
import type { AlertStatus, AlertTriageService, RuleService, SearchService } from '../services.js';
import { csvList, READERS, TenantParam, WRITERS } from '../dashboard/common.js';
import { RuleInfoSchema } from '../rules/schemas.js';
import { IntelMatchSchema } from '../incidents/schemas.js';

const STATUSES = ['new', 'acknowledged', 'closed'] as const satisfies readonly AlertStatus[];
const StatusSchema = z.enum(STATUSES);

/** Triage state as the API returns it. */
export const AlertStateSchema = z
  .object({
    status: StatusSchema,
    reason: z.string().optional(),
    by: z.string().optional(),
    changed: z.number().optional().describe('epoch ms'),
  })
  .meta({ id: 'AlertState' });

/** An alert with its triage state. */
export const TriagedAlertSchema = z
  .object({
    alert: AlertSchema,
    state: AlertStateSchema,
    incident: z
      .object({
        id: z.string(),
        title: z.string(),
        status: z.enum(['open', 'case', 'closed', 'merged']),
        caseId: z.string().optional().describe('the case that holds the incident'),
      })
      .optional()
      .describe('the incident the alert belongs to, once the incident stage has placed it'),
    intel: z
      .array(IntelMatchSchema)
      .readonly()
      .optional()
      .describe("indicators of the tenant's CTI store that match the alert's entities (checked on read)"),
  })
  .meta({ id: 'TriagedAlert' });

const TriageQuerySchema = z.object({
  q: z.string().max(8192).default('').describe('query language over alerts: rule:, host:, user:, technique: ...'),
  from: TimeParam.optional(),
  to: TimeParam.optional(),
  status: csvList(StatusSchema).optional().describe('comma-separated states: new,acknowledged,closed'),
  minSeverity: z.enum(SEVERITIES as [Severity, ...Severity[]]).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500).describe('page size, 1 to 5000'),
  cursor: z.string().min(1).max(1024).optional(),
  ...TenantParam,
});

const AlertId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'not an alert id');

/** Events shown with one alert at most. */
const MAX_DETAIL_EVENTS = 25;

/** Registers the triage routes. */
export function registerTriageRoutes(
  app: ApiApp,
  deps: { readonly triage: AlertTriageService; readonly search: SearchService; readonly rules?: RuleService },
): void {
  const { triage, search, rules } = deps;

  app.get(
    '/api/triage/alerts',
    {
      config: { access: READERS },
      schema: {
        tags: ['alerts'],
        summary: 'The alert queue with triage states',
        description: 'Newest first. Filter by query, time, states and minimum severity; page with the cursor.',
        querystring: TriageQuerySchema,
        response: {
          200: z.object({ items: z.array(TriagedAlertSchema).readonly(), nextCursor: z.string().optional() }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const { tenant, status, ...rest } = request.query;
      const ctx = scopeFor(request, tenant);
      return triage.list(ctx, compact({ ...rest, ...(status === undefined ? {} : { statuses: status }) }));
    },
  );

  app.get(
    '/api/triage/alerts/:id',
    {
      config: { access: READERS },
      schema: {
        tags: ['alerts'],
        summary: 'One alert with its state, the events that triggered it, and its rule',
        params: z.object({ id: AlertId }),
        querystring: z.object(TenantParam),
        response: {
          200: TriagedAlertSchema.extend({
            events: z.array(SocEventSchema).readonly(),
            missingEvents: z
              .number()
              .int()
              .describe(
                'events not found: not committed yet (a fresh alert can precede its block) or removed by retention',
              ),
            rule: RuleInfoSchema.optional(),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const ctx = scopeFor(request, request.query.tenant);
      const found = await triage.get(ctx, request.params.id);
      if (!found) throw new AppError('NOT_FOUND', `no alert ${request.params.id}`);
      const ids = found.alert.eventIds.slice(0, MAX_DETAIL_EVENTS);
      const events = (await Promise.all(ids.map((id) => search.getEvent(ctx, id)))).filter(
        (e): e is SocEvent => e !== undefined,
      );
      const rule =
        rules && found.alert.detector.kind === 'sigma'
          ? await rules.get(ctx, found.alert.detector.ruleId).catch(() => undefined)
          : undefined;
      return {
        ...found,
        events,
        missingEvents: ids.length - events.length,
        ...(rule === undefined ? {} : { rule }),
      };
    },
  );

  app.post(
    '/api/triage/alerts/status',
    {
      config: { access: WRITERS, audit: 'alert.status' },
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge, close (with a reason) or reopen alerts in bulk',
        querystring: z.object(TenantParam),
        body: z
          .object({
            ids: z.array(AlertId).min(1).max(10_000),
            status: StatusSchema,
            reason: z.string().trim().max(2000).optional(),
          })
          .refine((b) => b.status !== 'closed' || (b.reason ?? '') !== '', {
            message: 'closing alerts needs a reason',
            path: ['reason'],
          }),
        response: {
          200: z.object({ updated: z.number().int(), missing: z.array(z.string()).readonly() }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const ctx = scopeFor(request, request.query.tenant);
      const { ids, status, reason } = request.body;
      const result = await triage.setStatus(ctx, ids, compact({ status, reason }));
      noteAudit(request, {
        target: ids.length === 1 ? (ids[0] ?? '') : `${ids.length} alerts`,
        details: { status, ...(reason ? { reason } : {}), updated: result.updated, missing: result.missing.length },
      });
      return result;
    },
  );
}
