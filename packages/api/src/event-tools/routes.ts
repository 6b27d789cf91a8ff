/**
 * @module
 * Search helpers: `GET /api/events/histogram` (counts per time bucket for a query),
 * `GET /api/events/fields` (field names of recent events, for autocomplete) and
 * `GET /api/events/export` (matching events as NDJSON or CSV, streamed page by page).
 */
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { AuthContext, SocEvent } from '@intersoc/core';
import { scopeFor } from '../access/request-state.js';
import { shapeForCaller } from '../privacy/view-hook.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp } from '../internal/app-types.js';
import { TimeParam } from '../services.js';
import type { OverviewService, SearchService } from '../services.js';
import { READERS, resolveWindow, TenantParam, WindowQuerySchema } from '../dashboard/common.js';

const PAGE = 1000;
const CSV_COLUMNS = ['id', 'time', 'host.name', 'user.name', 'event.code', 'source.ip', 'destination.ip', 'message'];

function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  // Quote always; a leading formula character is neutralised so spreadsheets do not execute it.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replaceAll('"', '""')}"`;
}

function csvRow(e: SocEvent): string {
  const ecs = e.ecs as Record<string, string | number | undefined>;
  const cells = CSV_COLUMNS.map((c) => {
    if (c === 'id') return e.id;
    if (c === 'time') return new Date(e.time).toISOString();
    if (c === 'message') return ecs['message'] ?? e.raw.slice(0, 2000);
    return ecs[c];
  });
  return `${cells.map(csvCell).join(',')}\n`;
}

/** Streams pages of a search as text lines, stopping at `max` events. */
async function* exportLines(
  search: SearchService,
  ctx: AuthContext,
  q: { q: string; from?: number; to?: number },
  max: number,
  format: 'ndjson' | 'csv',
  shape: (items: readonly SocEvent[]) => readonly SocEvent[] = (items) => items,
): AsyncGenerator<string> {
  if (format === 'csv') yield `${CSV_COLUMNS.join(',')}\n`;
  let cursor: string | undefined;
  let sent = 0;
  do {
    const page = await search.searchEvents(ctx, {
      ...q,
      limit: Math.min(PAGE, max - sent),
      ...(cursor === undefined ? {} : { cursor }),
    });
    let chunk = '';
    for (const e of shape(page.items)) chunk += format === 'csv' ? csvRow(e) : `${JSON.stringify(e)}\n`;
    sent += page.items.length;
    if (chunk) yield chunk;
    cursor = page.nextCursor;
  } while (cursor !== undefined && sent < max);
}

/** Registers the search helper routes. */
export function registerEventToolRoutes(
  app: ApiApp,
  deps: { readonly overview: OverviewService; readonly search: SearchService },
): void {
  const { overview, search } = deps;

  app.get(
    '/api/events/histogram',
    {
      config: { access: READERS },
      schema: {
        tags: ['events'],
        summary: 'Counts of matching events per time bucket',
        querystring: WindowQuerySchema.extend({ q: z.string().max(8192).default('') }),
        response: {
          200: z.object({
            from: z.number(),
            to: z.number(),
            bucketMs: z.number(),
            counts: z.array(z.number().int()).readonly(),
            total: z.number().int(),
            partial: z.boolean().describe('true when the scan budget ran out; older buckets may be short'),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const { tenant, q, ...window } = request.query;
      return overview.histogram(scopeFor(request, tenant), { ...resolveWindow(window), q });
    },
  );

  app.get(
    '/api/events/fields',
    {
      config: { access: READERS },
      schema: {
        tags: ['events'],
        summary: 'Field names of recent events, for query autocomplete',
        querystring: z.object({
          from: TimeParam.optional(),
          to: TimeParam.optional(),
          sample: z.coerce.number().int().min(10).max(5000).default(1000),
          ...TenantParam,
        }),
        response: {
          200: z.object({
            fields: z
              .array(
                z.object({
                  name: z.string(),
                  kind: z.enum(['ecs', 'field', 'meta']),
                  count: z.number().int(),
                  values: z.array(z.string()).readonly(),
                }),
              )
              .readonly(),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const { tenant, from, to, sample } = request.query;
      const q = { sample, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
      return { fields: await overview.fields(scopeFor(request, tenant), q) };
    },
  );

  app.get(
    '/api/events/export',
    {
      config: { access: READERS },
      schema: {
        tags: ['events'],
        summary: 'Export matching events as NDJSON or CSV',
        querystring: z.object({
          q: z.string().max(8192).default(''),
          from: TimeParam.optional(),
          to: TimeParam.optional(),
          format: z.enum(['ndjson', 'csv']).default('ndjson'),
          max: z.coerce.number().int().min(1).max(100_000).default(10_000).describe('at most this many events'),
          ...TenantParam,
        }),
        produces: ['application/x-ndjson', 'text/csv'],
      },
    },
    async (request, reply) => {
      const { tenant, format, max, q, from, to } = request.query;
      const ctx = scopeFor(request, tenant);
      const range = { q, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
      // Fail before the first byte on a bad query, so the client gets a 400 and not a broken file.
      await search.searchEvents(ctx, { ...range, limit: 1 });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="intersoc-events-${stamp}.${format === 'csv' ? 'csv' : 'ndjson'}"`,
        );
      // A file is no JSON answer: the privacy view (pseudonyms, restrictions) is applied per page.
      const shape = (items: readonly SocEvent[]) => shapeForCaller(request, { items }).items;
      return reply.send(Readable.from(exportLines(search, ctx, range, max, format, shape)));
    },
  );
}
