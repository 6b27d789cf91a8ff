/**
 * @module
 * Event services the API calls (ingest, search, dead letters, health) and the zod schemas of their HTTP shapes.
 */
import { z } from 'zod';
import { parseTime, SEVERITIES } from '@intersoc/core';
import type { Alert, AuthContext, Severity, SocEvent } from '@intersoc/core';

/** Counts of one ingest call. */
export interface IngestResult {
  /** Records parsed and queued for storage. */
  readonly accepted: number;
  /** Records refused (malformed, too large), whether or not they were dead-lettered. */
  readonly rejected: number;
  /** Records written to the dead-letter store with their reason and raw bytes. */
  readonly deadLettered: number;
}

/** Options of one ingest call. */
export interface IngestOptions {
  /** The request's Content-Type, when given. */
  readonly contentType?: string;
  /** Parser name from `?format=`; auto-detection when omitted. */
  readonly format?: string;
  /** Client address, recorded as the event source's peer. */
  readonly peer?: string;
  /**
   * The client's `Idempotency-Key`: a retried body with the same key gives the same event ids
   * (so it is stored once). Without it every request is a new stream.
   */
  readonly idempotencyKey?: string;
}

/**
 * Accepts a batch of raw records (NDJSON, a JSON array, or text lines) for the caller's tenant.
 * Throws AppError `BACKPRESSURE` (with `details.retryAfterSeconds`) when its queue is full, and
 * `UNSUPPORTED` for an unknown format.
 */
export interface IngestService {
  ingest(ctx: AuthContext, body: Buffer, opts: IngestOptions): Promise<IngestResult>;
}

/** One page of results; pass `nextCursor` back as `cursor` for the next page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

/** Event search: query language text, time bounds (epoch ms, both inclusive), paging. */
export interface EventSearch {
  /** Query language (`field:value`, wildcards, ranges, AND/OR/NOT, parentheses); empty matches all. */
  readonly q: string;
  readonly from?: number;
  readonly to?: number;
  readonly limit: number;
  readonly cursor?: string;
}

/** Alert search: the event search plus a minimum severity. */
export interface AlertSearch extends EventSearch {
  readonly minSeverity?: Severity;
}

/** Dead-letter listing: time bounds and paging. */
export interface DeadLetterSearch {
  readonly from?: number;
  readonly to?: number;
  readonly limit: number;
  readonly cursor?: string;
}

/** A record the pipeline could not take, kept with its reason and raw bytes. */
export interface DeadLetter {
  /** Store id, as text. */
  readonly id: string;
  /** When it arrived, epoch ms. */
  readonly time: number;
  /** How it arrived and which parser refused it. */
  readonly source: { readonly kind: string; readonly name: string; readonly format?: string; readonly peer?: string };
  readonly reason: string;
  /** The raw bytes (possibly capped by the pipeline's record limit). */
  readonly raw: Uint8Array;
  /** Byte offset in the source stream, when known. */
  readonly offset?: number;
}

/** Read access to stored events, alerts and dead letters of the caller's tenant. */
export interface SearchService {
  searchEvents(ctx: AuthContext, query: EventSearch): Promise<Page<SocEvent>>;
  /** Undefined when no event of the caller's tenant has this id. */
  getEvent(ctx: AuthContext, id: string): Promise<SocEvent | undefined>;
  searchAlerts(ctx: AuthContext, query: AlertSearch): Promise<Page<Alert>>;
  listDeadLetters(ctx: AuthContext, query: DeadLetterSearch): Promise<Page<DeadLetter>>;
}

/** Health of one component. */
export interface HealthCheck {
  readonly status: 'ok' | 'degraded' | 'down';
  readonly detail?: string;
}

/** Health of the node: the API adds its own store check to what this returns. */
export type HealthProbe = () => Promise<Record<string, HealthCheck>>;

// ---------------------------------------------------------------------------------------------
// HTTP shapes

/** A time bound in a query string: ISO-8601/RFC 3339, or epoch seconds or milliseconds. */
export const TimeParam = z
  .string()
  .max(64)
  .transform((s, ctx) => {
    const t = parseTime(s);
    if (t === undefined) {
      ctx.addIssue({ code: 'custom', message: 'not a time: use ISO-8601 or epoch milliseconds' });
      return z.NEVER;
    }
    return t;
  })
  .describe('ISO-8601 time or epoch milliseconds');

const Limit = z.coerce.number().int().min(1).max(1000).default(100).describe('page size, 1 to 1000');
const Cursor = z.string().min(1).max(1024).describe('opaque cursor from the previous page');

/** Query string of `GET /api/events`. */
export const EventQuerySchema = z.object({
  q: z.string().max(8192).default('').describe('query language; empty matches every event'),
  from: TimeParam.optional(),
  to: TimeParam.optional(),
  limit: Limit,
  cursor: Cursor.optional(),
});

/** Query string of `GET /api/alerts`. */
export const AlertQuerySchema = EventQuerySchema.extend({
  minSeverity: z.enum(SEVERITIES as [Severity, ...Severity[]]).optional(),
});

/** Query string of `GET /api/dead-letters`. */
export const DeadLetterQuerySchema = z.object({
  from: TimeParam.optional(),
  to: TimeParam.optional(),
  limit: Limit,
  cursor: Cursor.optional(),
});

/** Query string of `POST /api/ingest`. */
export const IngestQuerySchema = z.object({
  format: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'format names are lower-case letters, digits, _ and -')
    .optional()
    .describe(
      'parser name (json, syslog, cef, leef, windows, suricata, zeek, cic-csv, ...); auto-detected when omitted',
    ),
});

/** Response of `POST /api/ingest`. */
export const IngestResultSchema = z
  .object({ accepted: z.number().int(), rejected: z.number().int(), deadLettered: z.number().int() })
  .meta({ id: 'IngestResult' });

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A stored event as the API returns it. */
export const SocEventSchema = z
  .object({
    id: z.string(),
    time: z.number().describe('event time, epoch ms'),
    ingested: z.number().describe('ingest time, epoch ms'),
    tenant: z.string(),
    source: z.object({
      format: z.string(),
      kind: z.enum(['file', 'udp', 'tcp', 'http', 'demo', 'replay']),
      name: z.string(),
      peer: z.string().optional(),
    }),
    raw: z.string().describe('the original record'),
    fields: z.record(z.string(), z.union([Scalar, z.array(Scalar).readonly()])).describe('original fields, flattened'),
    ecs: z.record(z.string(), z.union([z.string(), z.number()])).describe('ECS projection'),
    label: z.string().optional().describe('ATT&CK technique or benign, for simulated data'),
  })
  .meta({ id: 'SocEvent' });

/** A stored alert as the API returns it. */
export const AlertSchema = z
  .object({
    id: z.string(),
    tenant: z.string(),
    created: z.number(),
    time: z.number(),
    detector: z.object({
      kind: z.string(),
      ruleId: z.string(),
      ruleTitle: z.string(),
      ruleVersion: z.string().optional(),
    }),
    severity: z.enum(SEVERITIES as [Severity, ...Severity[]]),
    tactics: z.array(z.string()).readonly(),
    techniques: z.array(z.string()).readonly(),
    entities: z
      .array(
        z.object({
          type: z.enum(['host', 'user', 'ip', 'process', 'file', 'hash', 'domain', 'url', 'registry']),
          value: z.string(),
          role: z.string().optional(),
        }),
      )
      .readonly(),
    eventIds: z.array(z.string()).readonly(),
    summary: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'Alert' });

/** A dead letter as the API returns it: raw bytes as base64 plus a printable preview. */
export const DeadLetterSchema = z
  .object({
    id: z.string(),
    time: z.number().describe('arrival, epoch ms'),
    source: z.object({
      kind: z.string(),
      name: z.string(),
      format: z.string().optional(),
      peer: z.string().optional(),
    }),
    reason: z.string(),
    size: z.number().int().describe('bytes kept'),
    offset: z.number().int().optional().describe('byte offset in the source stream'),
    rawBase64: z.string(),
    preview: z.string().describe('first 512 bytes as UTF-8 with control characters replaced'),
  })
  .meta({ id: 'DeadLetter' });

/** A page of `item`s. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item).readonly(), nextCursor: z.string().optional() });
}
