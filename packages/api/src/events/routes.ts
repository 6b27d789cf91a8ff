/**
 * @module
 * Event routes over the injected services: `POST /api/ingest` (raw NDJSON, JSON or text,
 * optionally gzip-encoded), `GET /api/events`, `GET /api/events/:id`, `GET /api/alerts` and
 * `GET /api/dead-letters`. Everything runs within the caller's tenant.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { z } from 'zod';
import { AppError } from '@intersoc/core';
import { authOf, noteAudit } from '../access/request-state.js';
import { compact } from '../internal/compact.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp, RouteDeps } from '../internal/app-types.js';
import {
  AlertQuerySchema,
  AlertSchema,
  DeadLetterQuerySchema,
  DeadLetterSchema,
  EventQuerySchema,
  IngestQuerySchema,
  IngestResultSchema,
  pageSchema,
  SocEventSchema,
} from '../services.js';
import type { DeadLetter } from '../services.js';
import { registerProcessTreeRoute } from './process-tree.js';

const gunzipAsync = promisify(gunzip);

/** Media types `POST /api/ingest` documents; any type is accepted and passed to the service. */
const INGEST_MEDIA_TYPES = ['application/x-ndjson', 'application/json', 'text/plain', 'application/octet-stream'];

const PREVIEW_BYTES = 512;

/** Base64 of the raw bytes plus a printable preview: control characters become U+FFFD. */
function deadLetterView(d: DeadLetter): z.input<typeof DeadLetterSchema> {
  const raw = Buffer.from(d.raw.buffer, d.raw.byteOffset, d.raw.byteLength);
  const preview = raw
    .subarray(0, PREVIEW_BYTES)
    .toString('utf8')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '\ufffd');
  return {
    id: d.id,
    time: d.time,
    source: { ...d.source },
    reason: d.reason,
    size: raw.length,
    ...(d.offset === undefined ? {} : { offset: d.offset }),
    rawBase64: raw.toString('base64'),
    preview,
  };
}

async function decodeBody(body: Buffer, encoding: string | undefined, limit: number): Promise<Buffer> {
  const enc = (encoding ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === '') return body;
  if (enc !== 'gzip' && enc !== 'x-gzip')
    throw new AppError('UNSUPPORTED', `content-encoding ${enc} is not supported; use gzip`);
  try {
    // maxOutputLength stops a decompression bomb at the body limit instead of exhausting memory.
    return await gunzipAsync(body, { maxOutputLength: limit });
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new AppError('PAYLOAD_TOO_LARGE', `decompressed body exceeds ${limit} bytes`, { cause: err });
    }
    throw new AppError('BAD_REQUEST', 'body is not valid gzip', { cause: err });
  }
}

/** Registers the event, alert, dead-letter and ingest routes. */
export async function registerEventRoutes(app: ApiApp, deps: RouteDeps): Promise<void> {
  const { ingest, search, options } = deps;

  // Ingest takes the body as raw bytes whatever its type, so it lives in its own scope with a
  // single catch-all parser and the full body limit.
  await app.register((scope: ApiApp, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimit }, (_req, body, next) => {
      next(null, body);
    });
    scope.post(
      '/api/ingest',
      {
        bodyLimit: options.bodyLimit,
        config: { access: ['admin', 'analyst'], audit: 'events.ingest', rawBody: INGEST_MEDIA_TYPES },
        schema: {
          tags: ['events'],
          summary: 'Ingest a batch of records',
          description:
            'The body is NDJSON, a JSON array, or text lines (syslog, CEF, LEEF, Zeek, CSV ...), optionally with ' +
            '`Content-Encoding: gzip`. Malformed records are dead-lettered and counted, never dropped. ' +
            'When the pipeline is full the answer is 503 with Retry-After. 202 means the body is on disk: it survives a ' +
            'crash. Identical records are distinct events; to make a retry of the same body idempotent, send the same ' +
            '`Idempotency-Key` header with it.',
          querystring: IngestQuerySchema,
          response: { 202: IngestResultSchema, ...ERROR_RESPONSES },
        },
      },
      async (request, reply) => {
        const raw = request.body;
        if (!Buffer.isBuffer(raw) || raw.length === 0) throw new AppError('BAD_REQUEST', 'body is empty');
        const body = await decodeBody(raw, request.headers['content-encoding'], options.bodyLimit);
        const contentType = request.headers['content-type'];
        const idem = request.headers['idempotency-key'];
        if (idem !== undefined && (typeof idem !== 'string' || idem.length === 0 || idem.length > 200))
          throw new AppError('BAD_REQUEST', 'Idempotency-Key must be one value of 1 to 200 characters');
        const result = await ingest.ingest(authOf(request), body, {
          ...(contentType === undefined ? {} : { contentType }),
          ...(idem === undefined ? {} : { idempotencyKey: idem }),
          ...(request.query.format === undefined ? {} : { format: request.query.format }),
          peer: request.ip,
        });
        noteAudit(request, { details: { bytes: body.length, ...result } });
        return reply.code(202).send(result);
      },
    );
    done();
  });

  app.get(
    '/api/events',
    {
      config: { access: ['admin', 'analyst', 'viewer'] },
      schema: {
        tags: ['events'],
        summary: 'Search events',
        description:
          'Query language: `field:value`, wildcards, ranges, AND/OR/NOT and parentheses; free text uses full-text search.',
        querystring: EventQuerySchema,
        response: { 200: pageSchema(SocEventSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => search.searchEvents(authOf(request), compact(request.query)),
  );

  app.get(
    '/api/events/:id',
    {
      config: { access: ['admin', 'analyst', 'viewer'] },
      schema: {
        tags: ['events'],
        summary: 'Get one event',
        params: z.object({ id: z.string().regex(/^[0-9a-f]{16,64}$/, 'not an event id') }),
        response: { 200: SocEventSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const event = await search.getEvent(authOf(request), request.params.id);
      if (!event) throw new AppError('NOT_FOUND', `no event ${request.params.id}`);
      return event;
    },
  );

  registerProcessTreeRoute(app, { search });

  app.get(
    '/api/alerts',
    {
      config: { access: ['admin', 'analyst', 'viewer'] },
      schema: {
        tags: ['alerts'],
        summary: 'Search alerts',
        querystring: AlertQuerySchema,
        response: { 200: pageSchema(AlertSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => search.searchAlerts(authOf(request), compact(request.query)),
  );

  app.get(
    '/api/dead-letters',
    {
      config: { access: ['admin', 'analyst'] },
      schema: {
        tags: ['events'],
        summary: 'List dead-lettered records with their reasons',
        querystring: DeadLetterQuerySchema,
        response: { 200: pageSchema(DeadLetterSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const page = await search.listDeadLetters(authOf(request), compact(request.query));
      return {
        items: page.items.map(deadLetterView),
        ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
      };
    },
  );
}
