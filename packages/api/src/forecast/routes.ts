/**
 * @module
 * Forecast routes: the tenant's series and their forecasts (`GET /api/forecast/series`,
 * `GET /api/forecast/detail`), early warnings (`GET /api/forecast/warnings`), a refresh
 * (`POST /api/forecast/refresh`), the sector view of a national node (`GET /api/forecast/sector`,
 * `POST /api/forecast/sector/counts` for members' pseudonymised counts, which a member exports with
 * `GET /api/forecast/sector/export`,
 * `POST /api/forecast/sector/refresh`), and next-step prediction (`GET /api/forecast/predict`,
 * `GET /api/incidents/:id/next` with rules, hunts and coverage gaps). Viewers read, analysts and
 * admins change; every call is scoped to the caller's tenant.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '@intersoc/core';
import { noteAudit, scopeFor } from '../access/request-state.js';
import { csvList, READERS, TenantParam, WRITERS } from '../dashboard/common.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp } from '../internal/app-types.js';
import { TimeParam } from '../services.js';
import {
  ForecastDetailSchema,
  ForecastSummarySchema,
  ForecastWarningSchema,
  GranularitySchema,
  IncidentNextSchema,
  NextStepSchema,
  SectorCountSchema,
  SectorTrendSchema,
  type ForecastApiService,
} from './schemas.js';

const Series = z.string().regex(/^[A-Za-z0-9._:-]{1,200}$/, 'not a series name');
const Technique = z.string().regex(/^[Tt]\d{4}(\.\d{3})?$/, 'an ATT&CK technique id');
const Id = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'not an id');

/** Registers the forecast routes. */
export function registerForecastRoutes(
  fastify: FastifyInstance,
  deps: { readonly forecast: ForecastApiService },
): void {
  const app = fastify as unknown as ApiApp;
  const { forecast } = deps;

  app.get(
    '/api/forecast/series',
    {
      config: { access: READERS },
      schema: {
        tags: ['forecast'],
        summary: "The tenant's forecast series with their chosen model and backtest error beside seasonal naive's",
        querystring: z.object({ granularity: GranularitySchema.optional(), ...TenantParam }),
        response: { 200: z.object({ items: z.array(ForecastSummarySchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({
      items: await forecast.list(scopeFor(request, request.query.tenant), request.query.granularity),
    }),
  );

  app.get(
    '/api/forecast/detail',
    {
      config: { access: READERS },
      schema: {
        tags: ['forecast'],
        summary: 'One series: its history, the forecast with 80% and 95% bands, and the backtest',
        querystring: z.object({ series: Series, granularity: GranularitySchema.default('hour'), ...TenantParam }),
        response: { 200: ForecastDetailSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { series, granularity, tenant } = request.query;
      const f = await forecast.get(scopeFor(request, tenant), series, granularity);
      if (!f) throw new AppError('NOT_FOUND', `no forecast of ${series} by ${granularity}`);
      return f;
    },
  );

  app.get(
    '/api/forecast/warnings',
    {
      config: { access: READERS },
      schema: {
        tags: ['forecast'],
        summary:
          'Early warnings, newest first: series outside their 95% band, techniques rising above their seasonal level',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), ...TenantParam }),
        response: { 200: z.object({ items: z.array(ForecastWarningSchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({
      items: await forecast.warnings(scopeFor(request, request.query.tenant), request.query.limit),
    }),
  );

  app.post(
    '/api/forecast/refresh',
    {
      config: { access: WRITERS, audit: 'forecast.refresh' },
      schema: {
        tags: ['forecast'],
        summary: 'Forecast every series of the tenant now (the node also does it hourly)',
        querystring: z.object(TenantParam),
        response: {
          200: z.object({ series: z.number().int(), warnings: z.array(ForecastWarningSchema).readonly() }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const r = await forecast.refresh(scopeFor(request, request.query.tenant));
      noteAudit(request, { target: 'forecasts', details: { series: r.series, warnings: r.warnings.length } });
      return r;
    },
  );

  app.get(
    '/api/forecast/sector',
    {
      config: { access: READERS },
      schema: {
        tags: ['forecast'],
        summary: "Sector trends per technique from members' shared counts, strongest rise first",
        querystring: z.object(TenantParam),
        response: { 200: z.object({ items: z.array(SectorTrendSchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ items: await forecast.sector(scopeFor(request, request.query.tenant)) }),
  );

  app.post(
    '/api/forecast/sector/counts',
    {
      config: { access: WRITERS, audit: 'forecast.sector.counts' },
      schema: {
        tags: ['forecast'],
        summary: "Members' pseudonymised daily technique counts for the sector view",
        querystring: z.object(TenantParam),
        body: z.object({ counts: z.array(SectorCountSchema).min(1).max(50_000) }),
        response: { 200: z.object({ stored: z.number().int() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const stored = await forecast.addSectorCounts(scopeFor(request, request.query.tenant), request.body.counts);
      noteAudit(request, { target: 'sector counts', details: { stored } });
      return { stored };
    },
  );

  app.get(
    '/api/forecast/sector/export',
    {
      config: { access: WRITERS },
      schema: {
        tags: ['forecast'],
        summary: "This tenant's daily technique counts for a sector, under a pseudonym, to post to a national node",
        querystring: z.object({
          sector: SectorCountSchema.shape.sector,
          days: z.coerce.number().int().min(1).max(56).default(56),
          ...TenantParam,
        }),
        response: { 200: z.object({ counts: z.array(SectorCountSchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      forecast.exportSector(scopeFor(request, request.query.tenant), request.query.sector, request.query.days),
  );

  app.post(
    '/api/forecast/sector/refresh',
    {
      config: { access: WRITERS, audit: 'forecast.sector.refresh' },
      schema: {
        tags: ['forecast'],
        summary: 'Forecast every sector and technique now and raise warnings for rising ones',
        querystring: z.object(TenantParam),
        response: {
          200: z.object({
            trends: z.array(SectorTrendSchema).readonly(),
            warnings: z.array(ForecastWarningSchema).readonly(),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const r = await forecast.refreshSector(scopeFor(request, request.query.tenant));
      noteAudit(request, {
        target: 'sector forecasts',
        details: { trends: r.trends.length, warnings: r.warnings.length },
      });
      return r;
    },
  );

  app.get(
    '/api/forecast/predict',
    {
      config: { access: READERS },
      schema: {
        tags: ['forecast'],
        summary: 'The likely next techniques and tactics after observed ones (as `intersoc predict next`)',
        querystring: z.object({
          techniques: csvList(Technique).describe('observed techniques in order, comma-separated'),
          top: z.coerce.number().int().min(1).max(100).default(20),
          ...TenantParam,
        }),
        response: { 200: NextStepSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      forecast.predict(scopeFor(request, request.query.tenant), request.query.techniques, request.query.top),
  );

  app.get(
    '/api/incidents/:id/next',
    {
      config: { access: READERS },
      schema: {
        tags: ['forecast', 'incidents'],
        summary: "An incident's likely next steps, each with the node's rules for it, a hunt and any coverage gap",
        params: z.object({ id: Id }),
        querystring: z.object({
          top: z.coerce.number().int().min(1).max(30).default(8),
          days: z.coerce.number().int().min(1).max(30).default(3).describe('hunt window in days before `to`'),
          from: TimeParam.optional().describe('hunt window start (default: `days` before `to`)'),
          to: TimeParam.optional().describe('hunt window end (default: now)'),
          ...TenantParam,
        }),
        response: { 200: IncidentNextSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { top, days, tenant } = request.query;
      const to = request.query.to ?? Date.now();
      const from = request.query.from ?? to - days * 86_400_000;
      if (from > to) throw new AppError('VALIDATION', 'from must not be after to');
      const r = await forecast.incidentNext(scopeFor(request, tenant), request.params.id, top, { from, to });
      if (!r) throw new AppError('NOT_FOUND', `no incident ${request.params.id}`);
      return r;
    },
  );
}
