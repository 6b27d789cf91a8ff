/**
 * @module
 * Privacy routes: re-identification of a pseudonym for a case with a reason
 * (`POST /api/privacy/reidentify`, decided by a second person under four eyes:
 * `POST /api/privacy/reidentify/:id/decision`, read back with `GET /api/privacy/reidentify/:id`,
 * the caller's own and the pending ones listed by `GET /api/privacy/requests`),
 * the log of re-identifications for the data protection officer (`GET /api/privacy/reidentifications`),
 * restriction of processing (`GET|POST /api/privacy/restrictions`, `POST /api/privacy/restrictions/lift`),
 * subject access (`POST /api/privacy/export`, with the readable report), erasure (`POST /api/privacy/erase`,
 * admins; the node's single writer rewrites the event store), the Art. 30 record (`GET /api/privacy/record`,
 * `?format=md` for the text) and the inventory (`GET /api/privacy/inventory`). Every call is scoped to the
 * caller's tenant and audited when it discloses or changes something.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuthContext, Role } from '@intersoc/core';
import { noteAudit, scopeFor } from '../access/request-state.js';
import { READERS, TenantParam, WRITERS } from '../dashboard/common.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp } from '../internal/app-types.js';

/**
 * The data protection officer's reading (the log of re-identifications): the `dpo` role, admins,
 * and, for nodes configured before the role existed, the users named in `privacy.dpoUsers`
 * (analysts or viewers; the service checks the name).
 */
const DPO: readonly Role[] = ['admin', 'dpo', 'analyst', 'viewer'];

/** Privacy reports (subject access, the Art. 30 record): admins and the DPO. */
const REPORTERS: readonly Role[] = ['admin', 'dpo'];

const Subject = z.string().regex(/^(user|email|host):.{2,200}$/, 'user:NAME, email:ADDR or host:NAME');

const ReidentificationSchema = z.object({
  id: z.string(),
  tenant: z.string(),
  pseudonym: z.string(),
  caseId: z.string(),
  reason: z.string(),
  requestedBy: z.string(),
  requested: z.number(),
  status: z.enum(['pending', 'approved', 'denied']),
  decidedBy: z.string().optional(),
  decided: z.number().optional(),
  value: z.string().optional(),
  kind: z.string().optional(),
});

const RestrictionSchema = z.object({
  tenant: z.string(),
  subject: z.string(),
  reason: z.string(),
  createdBy: z.string(),
  created: z.number(),
});

const PersonalFieldSchema = z.object({
  field: z.string(),
  kind: z.string(),
  when: z.string(),
  category: z.string(),
  legalBasis: z.string(),
});

const HeldSchema = z.object({ kind: z.string(), tenant: z.string(), id: z.string(), reason: z.string() });

/** What an erasure answers: counts per kind of record, and the records kept under legal hold. */
export interface ErasureView {
  readonly subject: string;
  readonly erased: Readonly<Record<string, number>>;
  readonly held: readonly z.infer<typeof HeldSchema>[];
  readonly requestId: string;
}

/** Re-identification record as the API returns it. */
export type ReidentificationView = z.infer<typeof ReidentificationSchema>;

/** What the node provides. */
export interface PrivacyApiService {
  reidentify(ctx: AuthContext, r: { pseudonym: string; caseId: string; reason: string }): ReidentificationView;
  decide(ctx: AuthContext, id: string, approve: boolean): ReidentificationView;
  get(ctx: AuthContext, id: string): ReidentificationView;
  /** The caller's own requests, those they decided, and the others' pending ones; admins get every request. */
  requests(ctx: AuthContext): ReidentificationView[];
  /** Every request of the tenant (data protection officer); throws FORBIDDEN for others. */
  list(ctx: AuthContext): ReidentificationView[];
  restrictions(ctx: AuthContext): z.infer<typeof RestrictionSchema>[];
  restrict(ctx: AuthContext, subject: string, reason: string): z.infer<typeof RestrictionSchema>;
  lift(ctx: AuthContext, subject: string): boolean;
  /** Subject access: counts, items and `report`, the readable Markdown report. */
  export(
    ctx: AuthContext,
    subject: string,
  ): { subject: string; counts: Record<string, number>; items: unknown[]; report?: string };
  /** Erasure of a subject from the caller's tenant (admins); absent where the node has no writer to do it. */
  erase?(ctx: AuthContext, subject: string, reason?: string): Promise<ErasureView>;
  record(ctx: AuthContext): unknown;
  /** The Art. 30 record as Markdown. */
  recordText?(ctx: AuthContext): string;
  inventory(ctx: AuthContext): z.infer<typeof PersonalFieldSchema>[];
}

/** Registers the privacy routes. */
export function registerPrivacyRoutes(fastify: FastifyInstance, deps: { readonly privacy: PrivacyApiService }): void {
  const app = fastify as unknown as ApiApp;
  const { privacy } = deps;

  app.post(
    '/api/privacy/reidentify',
    {
      config: { access: WRITERS, audit: 'privacy.reidentify' },
      schema: {
        tags: ['privacy'],
        summary: 'Ask for the value behind a pseudonym, for a case, with a reason (four eyes when the policy says so)',
        querystring: z.object(TenantParam),
        body: z.object({
          pseudonym: z.string().min(3).max(100),
          caseId: z.string().min(1).max(128),
          reason: z.string().min(10).max(2000),
        }),
        response: { 200: ReidentificationSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const r = privacy.reidentify(scopeFor(request, request.query.tenant), request.body);
      noteAudit(request, {
        target: r.pseudonym,
        details: { case: r.caseId, reason: r.reason, status: r.status, id: r.id },
      });
      return r;
    },
  );

  app.post(
    '/api/privacy/reidentify/:id/decision',
    {
      config: { access: WRITERS, audit: 'privacy.reidentify.decide' },
      schema: {
        tags: ['privacy'],
        summary: 'A second person approves or denies a pending re-identification',
        params: z.object({ id: z.string().uuid() }),
        querystring: z.object(TenantParam),
        body: z.object({ approve: z.boolean() }),
        response: { 200: ReidentificationSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const r = privacy.decide(scopeFor(request, request.query.tenant), request.params.id, request.body.approve);
      noteAudit(request, { target: r.pseudonym, details: { id: r.id, status: r.status, requestedBy: r.requestedBy } });
      return r;
    },
  );

  app.get(
    '/api/privacy/reidentify/:id',
    {
      config: { access: [...WRITERS, 'dpo'] },
      schema: {
        tags: ['privacy'],
        summary: 'A re-identification; its requester sees the value once it is approved',
        params: z.object({ id: z.string().uuid() }),
        querystring: z.object(TenantParam),
        response: { 200: ReidentificationSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => privacy.get(scopeFor(request, request.query.tenant), request.params.id),
  );

  app.get(
    '/api/privacy/requests',
    {
      config: { access: WRITERS },
      schema: {
        tags: ['privacy'],
        summary:
          "The caller's own re-identification requests, those they decided, and the others' pending ones (no values)",
        querystring: z.object(TenantParam),
        response: { 200: z.object({ items: z.array(ReidentificationSchema) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ items: privacy.requests(scopeFor(request, request.query.tenant)) }),
  );

  app.get(
    '/api/privacy/reidentifications',
    {
      config: { access: DPO },
      schema: {
        tags: ['privacy'],
        summary: 'Every re-identification of the tenant, newest first (data protection officer)',
        querystring: z.object(TenantParam),
        response: { 200: z.object({ items: z.array(ReidentificationSchema) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ items: privacy.list(scopeFor(request, request.query.tenant)) }),
  );

  app.get(
    '/api/privacy/restrictions',
    {
      config: { access: [...WRITERS, 'dpo'] },
      schema: {
        tags: ['privacy'],
        summary: 'Subjects whose data is stored but not shown or shared (Art. 18)',
        querystring: z.object(TenantParam),
        response: { 200: z.object({ items: z.array(RestrictionSchema) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ items: privacy.restrictions(scopeFor(request, request.query.tenant)) }),
  );

  app.post(
    '/api/privacy/restrictions',
    {
      config: { access: ['admin'], audit: 'privacy.restrict' },
      schema: {
        tags: ['privacy'],
        summary: 'Restrict processing of a subject: new events are stored, not shown or shared',
        querystring: z.object(TenantParam),
        body: z.object({ subject: Subject, reason: z.string().min(3).max(2000) }),
        response: { 200: RestrictionSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const r = privacy.restrict(scopeFor(request, request.query.tenant), request.body.subject, request.body.reason);
      noteAudit(request, { target: r.subject.split(':')[0] ?? 'subject' });
      return r;
    },
  );

  app.post(
    '/api/privacy/restrictions/lift',
    {
      config: { access: ['admin'], audit: 'privacy.restrict.lift' },
      schema: {
        tags: ['privacy'],
        summary: 'Lift a restriction of processing',
        querystring: z.object(TenantParam),
        body: z.object({ subject: Subject }),
        response: { 200: z.object({ lifted: z.boolean() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ lifted: privacy.lift(scopeFor(request, request.query.tenant), request.body.subject) }),
  );

  app.post(
    '/api/privacy/export',
    {
      config: { access: REPORTERS, audit: 'privacy.export' },
      schema: {
        tags: ['privacy'],
        summary: 'Everything the tenant holds about a subject (Art. 15): counts and items',
        querystring: z.object(TenantParam),
        body: z.object({ subject: Subject }),
        response: {
          200: z.object({
            subject: z.string(),
            counts: z.record(z.string(), z.number()),
            items: z.array(z.unknown()),
            report: z.string().optional(),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const x = privacy.export(scopeFor(request, request.query.tenant), request.body.subject);
      noteAudit(request, { target: request.body.subject.split(':')[0] ?? 'subject', details: { counts: x.counts } });
      return x;
    },
  );

  const erase = privacy.erase?.bind(privacy);
  if (erase)
    app.post(
      '/api/privacy/erase',
      {
        config: { access: ['admin'], audit: 'privacy.erase.request' },
        schema: {
          tags: ['privacy'],
          summary:
            "Erase a subject's personal data from the tenant (Art. 17); records under legal hold are kept and listed",
          querystring: z.object(TenantParam),
          body: z.object({ subject: Subject, reason: z.string().max(2000).optional() }),
          response: {
            200: z.object({
              subject: z.string(),
              erased: z.record(z.string(), z.number()),
              held: z.array(HeldSchema),
              requestId: z.string(),
            }),
            ...ERROR_RESPONSES,
          },
        },
      },
      async (request) => {
        const { subject, reason } = request.body;
        const r = await erase(scopeFor(request, request.query.tenant), subject, reason);
        // Never the erased value: the kind of subject, the counts and the erasure's own audit entry id.
        noteAudit(request, {
          target: `${subject.split(':')[0] ?? 'subject'}:[erased]`,
          details: { erased: r.erased, held: r.held.length, erasure: r.requestId },
        });
        return {
          ...r,
          erased: { ...r.erased },
          held: [...r.held],
          subject: `${subject.split(':')[0] ?? 'subject'}:[erased]`,
        };
      },
    );

  app.get(
    '/api/privacy/record',
    {
      config: { access: REPORTERS },
      schema: {
        tags: ['privacy'],
        summary:
          'The record of processing activities (GDPR Art. 30) generated from the configuration (`format=md`: as Markdown)',
        querystring: z.object({ ...TenantParam, format: z.enum(['json', 'md']).optional() }),
        response: { 200: z.union([z.record(z.string(), z.unknown()), z.string()]), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const ctx = scopeFor(request, request.query.tenant);
      if (request.query.format === 'md' && privacy.recordText) {
        return reply.type('text/markdown; charset=utf-8').send(privacy.recordText(ctx));
      }
      return privacy.record(ctx) as Record<string, unknown>;
    },
  );

  app.get(
    '/api/privacy/inventory',
    {
      config: { access: [...READERS, 'dpo'] },
      schema: {
        tags: ['privacy'],
        summary: "The personal-data inventory in force for the caller's tenant",
        querystring: z.object(TenantParam),
        response: { 200: z.object({ items: z.array(PersonalFieldSchema) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ items: privacy.inventory(scopeFor(request, request.query.tenant)) }),
  );
}
