/**
 * @module
 * The node's implementations of the API's service interfaces: ingest goes through the pipeline,
 * search and lookups read the event store. Shapes are adapted here, in one place.
 */
import { createHash, randomUUID } from 'node:crypto';
import { AppError, SEVERITIES, type AuthContext } from '@intersoc/core';
import { getFormat } from '@intersoc/ingest';
import type { SqliteEventReader } from '@intersoc/storage';
import type { IngestService, SearchService } from '@intersoc/api';
import type { Searcher } from './search/searcher.js';
import type { DurableIngest } from './durable-ingest.js';

/** How long an HTTP ingest may wait for pipeline room before it is told to retry. */
const INGEST_WAIT_MS = 10_000;

/** Ingest over HTTP: the body is one stream, journalled, then framed and parsed in a worker. */
export function ingestService(durable: DurableIngest): IngestService {
  return {
    async ingest(ctx: AuthContext, body, opts) {
      if (opts.format !== undefined && getFormat(opts.format) === undefined) {
        throw new AppError('UNSUPPORTED', `unknown format "${opts.format}"`);
      }
      // The stream identity goes into every event id: a fresh one per request keeps identical
      // records of separate requests apart; a client's Idempotency-Key makes a retry a replay.
      const stream =
        opts.idempotencyKey === undefined
          ? `http:${randomUUID()}`
          : `http:idem:${createHash('sha256').update(opts.idempotencyKey).digest('hex').slice(0, 32)}`;
      const c = await durable.submit(
        {
          stream,
          tenant: ctx.tenant,
          source: { format: opts.format ?? '', kind: 'http', name: 'api', ...(opts.peer ? { peer: opts.peer } : {}) },
          ...(opts.format ? { format: opts.format } : {}),
          bytes: body,
          whole: false,
          end: true,
        },
        INGEST_WAIT_MS,
      );
      return { accepted: c.events, rejected: c.deadLetters, deadLettered: c.deadLetters };
    },
  };
}

/**
 * Search, lookups and dead letters from the event store. Searches walk blocks, so they run on the
 * searcher (reader threads, time budget, per-user limit); lookups by id stay here.
 */
export function searchService(reader: SqliteEventReader, searcher: Searcher): SearchService {
  return {
    async searchEvents(ctx, q) {
      const page = await searcher.run(ctx, 'events', q);
      return { items: page.items, ...(page.next ? { nextCursor: page.next } : {}) };
    },
    async getEvent(ctx, id) {
      return reader.getEvent(ctx, id);
    },
    async searchAlerts(ctx, q) {
      // A minimum severity is the disjunction of the severities at or above it.
      const min = q.minSeverity === undefined ? -1 : SEVERITIES.indexOf(q.minSeverity);
      const sev =
        min <= 0
          ? ''
          : `(${SEVERITIES.slice(min)
              .map((s) => `severity:${s}`)
              .join(' OR ')})`;
      const query = [q.q.trim() === '' ? '' : `(${q.q})`, sev].filter(Boolean).join(' AND ');
      const { minSeverity: _, ...rest } = q;
      const page = await searcher.run(ctx, 'alerts', { ...rest, q: query });
      return { items: page.items, ...(page.next ? { nextCursor: page.next } : {}) };
    },
    async listDeadLetters(ctx, q) {
      const page = reader.listDeadLetters(ctx, { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) });
      const items = page.items
        .filter((d) => (q.from === undefined || d.time >= q.from) && (q.to === undefined || d.time <= q.to))
        .map((d) => ({
          id: String(d.id),
          time: d.time,
          source: d.source,
          reason: d.reason,
          raw: Buffer.from(d.rawBase64, 'base64'),
          ...(d.offset === undefined ? {} : { offset: d.offset }),
        }));
      return { items, ...(page.next ? { nextCursor: page.next } : {}) };
    },
  };
}

// Dashboard services (analyst triage, live alerts, overview, rules, intelligence, node status).
export { alertFeed, triageService } from './dashboard/triage.js';
export { overviewService, RateSampler } from './dashboard/overview.js';
export type { OverviewDeps } from './dashboard/overview.js';
export { detectionFields, ruleService } from './dashboard/rules.js';
export { intelObject, intelService } from './dashboard/intel.js';
export { socNetworkService } from './dashboard/network.js';
export { nodeStatusService } from './dashboard/node-status.js';
export type { NodeStatusDeps } from './dashboard/node-status.js';
