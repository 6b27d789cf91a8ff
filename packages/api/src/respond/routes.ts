/**
 * @module
 * Response routes under `/api/respond/`: playbooks (list, validate, add, show with their workflow
 * graph, sign, verify, share), runs (start, list, one step by step, approve, deny, answer,
 * resolve, cancel, roll back, extend a time box), the approval inbox, and `stream`, the runs of
 * the tenant as they change (Server-Sent Events). Viewers read; analysts and admins act. Every
 * change is audited by the API, and the engine writes its own entries for what the run does.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actAs } from '@intersoc/storage';
import { watchAuthorization } from '../access/auth-watch.js';
import { noteAudit, scopeFor } from '../access/request-state.js';
import { READERS, TenantParam, WRITERS, csvList } from '../dashboard/common.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp } from '../internal/app-types.js';
import {
  AddSchema,
  AnswerSchema,
  ExtendSchema,
  JsonObject,
  OptionalReasonSchema,
  PlaybookId,
  ReasonSchema,
  ResolveSchema,
  RunId,
  RunRequestSchema,
  RunSummarySchema,
  ShareSchema,
  StepId,
  Version,
} from './schemas.js';
import type { RespondApiService } from './service.js';

const Q = z.object(TenantParam);
const HEARTBEAT_MS = 15_000;
const MAX_UNREAD_BYTES = 256 * 1024;

/** Registers the respond routes. */
export function registerRespondRoutes(
  fastify: FastifyInstance,
  deps: { readonly respond: RespondApiService; readonly recheckMs?: number },
): void {
  const app = fastify as unknown as ApiApp;
  const { respond } = deps;
  const tags = ['respond'];
  const runPath = z.object({ id: RunId });
  const stepPath = z.object({ id: RunId, step: StepId });
  const ok = (schema: z.ZodType) => ({ 200: schema, ...ERROR_RESPONSES });

  app.get(
    '/api/respond/playbooks',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'Stored playbooks, latest version each',
        querystring: Q,
        response: ok(z.object({ items: z.array(JsonObject) })),
      },
    },
    async (request) => ({ items: [...(await respond.listPlaybooks(scopeFor(request, request.query.tenant)))] }),
  );

  app.post(
    '/api/respond/playbooks/validate',
    {
      config: { access: READERS, audit: 'respond.playbook.validate' },
      schema: {
        tags,
        summary: 'Validate a CACAO 2.0 playbook (OASIS schemas, structure, semantics)',
        querystring: Q,
        body: JsonObject,
        response: ok(z.object({ valid: z.boolean(), errors: z.array(z.string()), warnings: z.array(z.string()) })),
      },
    },
    async (request) => {
      const r = await respond.validate(scopeFor(request, request.query.tenant), request.body);
      return { valid: r.valid, errors: [...r.errors], warnings: [...r.warnings] };
    },
  );

  app.post(
    '/api/respond/playbooks',
    {
      config: { access: WRITERS, audit: 'respond.playbook.add' },
      schema: { tags, summary: 'Store a playbook version', querystring: Q, body: AddSchema, response: ok(JsonObject) },
    },
    async (request) => {
      const r = await respond.addPlaybook(scopeFor(request, request.query.tenant), request.body.playbook, {
        ...(request.body.extractSecrets === undefined ? {} : { extractSecrets: request.body.extractSecrets }),
      });
      noteAudit(request, { target: String(request.body.playbook['id'] ?? '') });
      return r;
    },
  );

  app.get(
    '/api/respond/playbooks/:id',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'A playbook with its versions, signatures and workflow graph',
        params: z.object({ id: PlaybookId }),
        querystring: z.object({ version: Version, ...TenantParam }),
        response: ok(JsonObject),
      },
    },
    async (request) =>
      respond.playbook(scopeFor(request, request.query.tenant), request.params.id, request.query.version),
  );

  for (const [verb, access, audit, summary] of [
    ['sign', WRITERS, 'respond.playbook.sign', 'Sign a playbook version with the node key'],
    ['verify', READERS, 'respond.playbook.verify', 'Verify the signatures of a playbook version'],
  ] as const) {
    app.post(
      `/api/respond/playbooks/:id/${verb}`,
      {
        config: { access, audit },
        schema: {
          tags,
          summary,
          params: z.object({ id: PlaybookId }),
          querystring: z.object({ version: Version, ...TenantParam }),
          response: ok(JsonObject),
        },
      },
      async (request) => {
        const ctx = scopeFor(request, request.query.tenant);
        noteAudit(request, { target: request.params.id });
        return verb === 'sign'
          ? respond.sign(ctx, request.params.id, request.query.version)
          : respond.verify(ctx, request.params.id, request.query.version);
      },
    );
  }

  app.post(
    '/api/respond/playbooks/:id/share',
    {
      config: { access: WRITERS, audit: 'respond.playbook.share' },
      schema: {
        tags,
        summary: 'Share a playbook with peers through federation under TLP',
        params: z.object({ id: PlaybookId }),
        querystring: Q,
        body: ShareSchema,
        response: ok(JsonObject),
      },
    },
    async (request) => {
      noteAudit(request, { target: request.params.id, details: { tlp: request.body.tlp ?? 'playbook marking' } });
      return respond.share(scopeFor(request, request.query.tenant), request.params.id, request.body.tlp);
    },
  );

  app.post(
    '/api/respond/runs',
    {
      config: { access: WRITERS, audit: 'respond.run.start' },
      schema: {
        tags,
        summary: 'Run a playbook (or dry-run it)',
        querystring: Q,
        body: RunRequestSchema,
        response: ok(RunSummarySchema),
      },
    },
    async (request) => {
      const r = await respond.startRun(scopeFor(request, request.query.tenant), request.body);
      noteAudit(request, {
        target: r.id,
        details: { playbook: request.body.playbook, dryRun: request.body.dryRun === true },
      });
      return r;
    },
  );

  app.get(
    '/api/respond/runs',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'Runs, newest first',
        querystring: z.object({
          status: csvList(z.enum(['running', 'waiting', 'succeeded', 'failed', 'cancelled'])).optional(),
          playbook: PlaybookId.optional(),
          trigger: z.string().min(1).max(128).optional().describe('incident or case id'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          before: z.coerce.number().int().optional(),
          ...TenantParam,
        }),
        response: ok(z.object({ items: z.array(RunSummarySchema), nextBefore: z.number().optional() })),
      },
    },
    async (request) => {
      const { tenant, ...q } = request.query;
      const r = await respond.listRuns(scopeFor(request, tenant), {
        limit: q.limit,
        ...(q.status ? { status: q.status } : {}),
        ...(q.playbook ? { playbook: q.playbook } : {}),
        ...(q.trigger ? { trigger: q.trigger } : {}),
        ...(q.before === undefined ? {} : { before: q.before }),
      });
      return { items: [...r.items], ...(r.nextBefore === undefined ? {} : { nextBefore: r.nextBefore }) };
    },
  );

  app.get(
    '/api/respond/runs/:id',
    {
      config: { access: READERS },
      schema: { tags, summary: 'A run step by step', params: runPath, querystring: Q, response: ok(JsonObject) },
    },
    async (request) => respond.run(scopeFor(request, request.query.tenant), request.params.id),
  );

  app.get(
    '/api/respond/inbox',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'Steps waiting for a person',
        querystring: Q,
        response: ok(z.object({ items: z.array(JsonObject) })),
      },
    },
    async (request) => ({ items: [...(await respond.inbox(scopeFor(request, request.query.tenant)))] }),
  );

  const stepRoute = <B extends z.ZodType>(
    verb: string,
    body: B,
    summary: string,
    call: (ctx: ReturnType<typeof scopeFor>, run: string, step: string, b: z.infer<B>) => Promise<unknown>,
  ): void => {
    app.post(
      `/api/respond/runs/:id/steps/:step/${verb}`,
      {
        config: { access: WRITERS, audit: `respond.step.${verb}` },
        schema: { tags, summary, params: stepPath, querystring: Q, body, response: ok(JsonObject) },
      },
      async (request) => {
        noteAudit(request, { target: `run:${request.params.id}/${request.params.step}` });
        return (await call(
          scopeFor(request, request.query.tenant),
          request.params.id,
          request.params.step,
          request.body as z.infer<B>,
        )) as Record<string, unknown>;
      },
    );
  };
  stepRoute('approve', OptionalReasonSchema, 'Approve a waiting step (a step in doubt: run it again)', (ctx, r, s, b) =>
    respond.approve(ctx, r, s, b.reason),
  );
  stepRoute('deny', ReasonSchema, 'Deny a waiting step; it fails closed', (ctx, r, s, b) =>
    respond.deny(ctx, r, s, b.reason),
  );
  stepRoute('answer', AnswerSchema, 'Answer a manual task', (ctx, r, s, b) => respond.answer(ctx, r, s, b.values));
  stepRoute('resolve', ResolveSchema, 'Resolve a step left in doubt by a restart', (ctx, r, s, b) =>
    respond.resolve(ctx, r, s, b.resolution),
  );

  app.post(
    '/api/respond/runs/:id/cancel',
    {
      config: { access: WRITERS, audit: 'respond.run.cancel' },
      schema: {
        tags,
        summary: 'Cancel a run',
        params: runPath,
        querystring: Q,
        body: OptionalReasonSchema,
        response: ok(RunSummarySchema),
      },
    },
    async (request) => {
      noteAudit(request, { target: `run:${request.params.id}` });
      return respond.cancel(scopeFor(request, request.query.tenant), request.params.id, request.body.reason);
    },
  );
  app.post(
    '/api/respond/runs/:id/rollback',
    {
      config: { access: WRITERS, audit: 'respond.run.rollback' },
      schema: {
        tags,
        summary: 'Undo the actions of a run, newest first',
        params: runPath,
        querystring: Q,
        response: ok(JsonObject),
      },
    },
    async (request) => {
      noteAudit(request, { target: `run:${request.params.id}` });
      return respond.rollback(scopeFor(request, request.query.tenant), request.params.id);
    },
  );
  app.post(
    '/api/respond/runs/:id/actions/:action/extend',
    {
      config: { access: WRITERS, audit: 'respond.action.extend' },
      schema: {
        tags,
        summary: 'Keep a time-boxed action longer',
        params: z.object({ id: RunId, action: z.coerce.number().int().min(1) }),
        querystring: Q,
        body: ExtendSchema,
        response: ok(RunSummarySchema),
      },
    },
    async (request) => {
      noteAudit(request, {
        target: `run:${request.params.id}`,
        details: { action: request.params.action, ms: request.body.ms },
      });
      return respond.extend(
        scopeFor(request, request.query.tenant),
        request.params.id,
        request.params.action,
        request.body.ms,
      );
    },
  );

  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const stop of [...open]) stop();
  });
  app.get(
    '/api/respond/stream',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'Runs of the tenant as they change (Server-Sent Events: `ready`, then `run` with a run summary)',
        querystring: Q,
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const ctx = scopeFor(request, request.query.tenant);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        connection: 'keep-alive',
      });
      res.write(`retry: 3000\nevent: ready\ndata: {"tenant":${JSON.stringify(ctx.tenant)}}\n\n`);
      const unsubscribe = respond.subscribe(ctx, (run) => {
        // A slow reader misses updates, never slows the node; the next update carries the state.
        if (!res.writableEnded && res.writableLength <= MAX_UNREAD_BYTES)
          res.write(`event: run\ndata: ${JSON.stringify(run)}\n\n`);
      });
      const heartbeat = setInterval(() => {
        if (!res.writableEnded) res.write(': keep-alive\n\n');
      }, HEARTBEAT_MS);
      heartbeat.unref();
      const unwatch = watchAuthorization(request, () => stop(), {
        everyMs: deps.recheckMs ?? HEARTBEAT_MS,
        still: (now) => actAs(now, request.query.tenant),
      });
      const stop = (): void => {
        if (!open.delete(stop)) return;
        clearInterval(heartbeat);
        unwatch();
        unsubscribe();
        if (!res.writableEnded) res.end();
      };
      open.add(stop);
      request.raw.socket.on('close', stop);
      res.on('close', stop);
    },
  );
}
