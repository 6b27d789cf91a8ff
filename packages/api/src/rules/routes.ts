/**
 * @module
 * Sigma rules of the caller's tenant: `GET /api/rules` (rules with status, level, hits, and
 * the documents that were rejected with their reasons), `GET /api/rules/:key`,
 * `PATCH /api/rules/:key` (enable, disable, override the level) and `GET /api/attack/coverage`
 * (techniques covered by enabled rules against techniques observed in alerts).
 */
import { z } from 'zod';
import { AppError } from '@intersoc/core';
import { noteAudit, scopeFor } from '../access/request-state.js';
import { compact } from '../internal/compact.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp } from '../internal/app-types.js';
import type { RuleService } from '../services.js';
import { READERS, TenantParam, WRITERS } from '../dashboard/common.js';
import { RuleInfoSchema, RuleRejectionSchema, SeveritySchema, TechniqueCoverageSchema } from './schemas.js';

const RuleKey = z.object({ key: z.string().min(1).max(512).describe('rule key (URL-encoded)') });

/** Registers the rule and coverage routes. */
export function registerRuleRoutes(app: ApiApp, deps: { readonly rules: RuleService }): void {
  const { rules } = deps;

  app.get(
    '/api/rules',
    {
      config: { access: READERS },
      schema: {
        tags: ['rules'],
        summary: 'Sigma rules of the tenant, with hits and rejected documents',
        querystring: z.object(TenantParam),
        response: {
          200: z.object({
            rules: z.array(RuleInfoSchema).readonly(),
            rejected: z.array(RuleRejectionSchema).readonly(),
            packs: z.array(z.string()).readonly(),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => rules.list(scopeFor(request, request.query.tenant)),
  );

  app.get(
    '/api/rules/:key',
    {
      config: { access: READERS },
      schema: {
        tags: ['rules'],
        summary: 'One rule',
        params: RuleKey,
        querystring: z.object(TenantParam),
        response: { 200: RuleInfoSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const rule = await rules.get(scopeFor(request, request.query.tenant), request.params.key);
      if (!rule) throw new AppError('NOT_FOUND', `no rule ${request.params.key}`);
      return rule;
    },
  );

  app.patch(
    '/api/rules/:key',
    {
      config: { access: WRITERS, audit: 'rule.tune' },
      schema: {
        tags: ['rules'],
        summary: 'Enable, disable or re-level a rule',
        description: '`level: null` restores the level the rule declares. Tuning is stored per tenant.',
        params: RuleKey,
        querystring: z.object(TenantParam),
        body: z.object({ enabled: z.boolean().optional(), level: SeveritySchema.nullable().optional() }),
        response: { 200: RuleInfoSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const change = compact(request.body);
      if (Object.keys(change).length === 0) throw new AppError('VALIDATION', 'body: nothing to change');
      noteAudit(request, { target: request.params.key, details: { ...change } });
      return rules.tune(scopeFor(request, request.query.tenant), request.params.key, change);
    },
  );

  app.get(
    '/api/attack/coverage',
    {
      config: { access: READERS },
      schema: {
        tags: ['rules'],
        summary: 'ATT&CK techniques covered by enabled rules and observed in alerts',
        querystring: z.object(TenantParam),
        response: { 200: z.object({ techniques: z.array(TechniqueCoverageSchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ techniques: await rules.coverage(scopeFor(request, request.query.tenant)) }),
  );
}
