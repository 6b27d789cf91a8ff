/**
 * @module
 * TAXII 2.1 client: discovery, API roots, collections, paged object pulls that resume from the
 * last `X-TAXII-Date-Added-Last`, pushes of envelopes with status polling. Lenient with
 * minimal discovery and API-root documents, strict on the required fields of collections and
 * status resources, and it refuses to read a write-only collection or write a read-only one.
 */
import { AppError } from '@intersoc/core';
import { z } from 'zod';
import { isTaxii21, TAXII_MEDIA_TYPE } from './media.js';

/** Credentials: HTTP Basic or a bearer token. */
export type TaxiiCredentials = { readonly user: string; readonly password: string } | { readonly token: string };

const DiscoverySchema = z.looseObject({
  title: z.string().optional(),
  description: z.string().optional(),
  contact: z.string().optional(),
  default: z.string().optional(),
  api_roots: z.array(z.string()).optional(),
});
const ApiRootSchema = z.looseObject({
  title: z.string().optional(),
  description: z.string().optional(),
  versions: z.array(z.string()).optional(),
  max_content_length: z.number().optional(),
});
/** Collection resource (required fields enforced). */
export const CollectionSchema = z.looseObject({
  id: z.string(),
  title: z.string(),
  description: z.string().optional(),
  alias: z.string().optional(),
  can_read: z.boolean(),
  can_write: z.boolean(),
  media_types: z.array(z.string()).optional(),
});
/** Status resource (required fields enforced). */
export const StatusSchema = z.looseObject({
  id: z.string(),
  status: z.enum(['pending', 'complete']),
  request_timestamp: z.string().optional(),
  total_count: z.number(),
  success_count: z.number(),
  failure_count: z.number(),
  pending_count: z.number(),
  successes: z.array(z.looseObject({ id: z.string() })).optional(),
  failures: z.array(z.looseObject({ id: z.string() })).optional(),
  pendings: z.array(z.looseObject({ id: z.string() })).optional(),
});
const EnvelopeSchema = z.looseObject({
  more: z.boolean().optional(),
  next: z.string().optional(),
  objects: z.array(z.record(z.string(), z.unknown())).optional(),
});

export type TaxiiDiscovery = z.infer<typeof DiscoverySchema>;
export type TaxiiApiRoot = z.infer<typeof ApiRootSchema>;
export type TaxiiCollectionInfo = z.infer<typeof CollectionSchema>;
export type TaxiiStatus = z.infer<typeof StatusSchema>;

/** Object filters; every key but `added_after`, `limit` and `next` becomes `match[<key>]`. */
export interface TaxiiFilters {
  readonly added_after?: string;
  readonly limit?: number;
  readonly next?: string;
  readonly id?: string | readonly string[];
  readonly type?: string | readonly string[];
  readonly version?: string | readonly string[];
  readonly spec_version?: string | readonly string[];
  readonly [match: string]: string | number | readonly string[] | undefined;
}

/** One page of objects. */
export interface TaxiiPage {
  readonly objects: Record<string, unknown>[];
  readonly more: boolean;
  readonly next?: string;
  readonly dateAddedFirst?: string;
  readonly dateAddedLast?: string;
}

/** Remembers where each collection's pull stopped. */
export interface TaxiiCursorStore {
  get(collectionUrl: string): string | undefined;
  set(collectionUrl: string, addedAfter: string): void;
}

/** An in-memory cursor store. */
export function memoryCursors(): TaxiiCursorStore {
  const m = new Map<string, string>();
  return { get: (k) => m.get(k), set: (k, v) => void m.set(k, v) };
}

/** Builds the query string of a filter set. */
export function filterQuery(f: TaxiiFilters = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined) continue;
    const text = Array.isArray(v) ? v.join(',') : String(v);
    p.set(k === 'added_after' || k === 'limit' || k === 'next' ? k : `match[${k}]`, text);
  }
  const s = p.toString();
  return s === '' ? '' : `?${s}`;
}

/** The client. */
export class TaxiiClient {
  constructor(
    private readonly credentials?: TaxiiCredentials,
    private readonly fetcher: typeof fetch = fetch,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { Accept: TAXII_MEDIA_TYPE, ...extra };
    if (this.credentials && 'token' in this.credentials) h['Authorization'] = `Bearer ${this.credentials.token}`;
    else if (this.credentials) {
      h['Authorization'] =
        `Basic ${Buffer.from(`${this.credentials.user}:${this.credentials.password}`).toString('base64')}`;
    }
    return h;
  }

  private async request(
    url: string,
    init: RequestInit = {},
  ): Promise<{ body: unknown; headers: Headers; status: number }> {
    const res = await this.fetcher(url, {
      ...init,
      headers: { ...this.headers(), ...(init.headers as Record<string, string> | undefined) },
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const title = (body as { title?: string } | undefined)?.title ?? res.statusText;
      const code =
        res.status === 401
          ? 'UNAUTHENTICATED'
          : res.status === 403
            ? 'FORBIDDEN'
            : res.status === 404
              ? 'NOT_FOUND'
              : res.status === 413
                ? 'PAYLOAD_TOO_LARGE'
                : res.status >= 500
                  ? 'INTERNAL'
                  : 'BAD_REQUEST';
      throw new AppError(code, `TAXII ${res.status} ${title} (${url})`, { details: { status: res.status } });
    }
    const ct = res.headers.get('content-type') ?? undefined;
    if (text !== '' && !isTaxii21(ct) && !/json/.test(ct ?? '')) {
      throw new AppError('UNSUPPORTED', `TAXII server answered ${ct ?? 'no content type'} for ${url}`);
    }
    return { body, headers: res.headers, status: res.status };
  }

  /** Server discovery (`/taxii2/`). */
  async discovery(url: string): Promise<TaxiiDiscovery> {
    return parse(DiscoverySchema, (await this.request(url)).body, 'discovery');
  }

  /** An API root's information. */
  async apiRoot(url: string): Promise<TaxiiApiRoot> {
    return parse(ApiRootSchema, (await this.request(url)).body, 'api root');
  }

  /** Collections of an API root. */
  async collections(apiRootUrl: string): Promise<TaxiiCollectionInfo[]> {
    const body = (await this.request(`${slash(apiRootUrl)}collections/`)).body as
      { collections?: unknown[] } | undefined;
    return (body?.collections ?? []).map((c) => parse(CollectionSchema, c, 'collection'));
  }

  /** One collection. */
  async collection(apiRootUrl: string, id: string): Promise<TaxiiCollectionInfo> {
    return parse(CollectionSchema, (await this.request(`${slash(apiRootUrl)}collections/${id}/`)).body, 'collection');
  }

  /** One page of a collection's objects. */
  async getObjects(
    apiRootUrl: string,
    collection: TaxiiCollectionInfo,
    filters: TaxiiFilters = {},
  ): Promise<TaxiiPage> {
    if (!collection.can_read) throw new AppError('FORBIDDEN', `collection ${collection.id} is not readable`);
    const r = await this.request(`${slash(apiRootUrl)}collections/${collection.id}/objects/${filterQuery(filters)}`);
    const env = parse(EnvelopeSchema, r.body ?? {}, 'envelope');
    const first = r.headers.get('x-taxii-date-added-first') ?? undefined;
    const last = r.headers.get('x-taxii-date-added-last') ?? undefined;
    return {
      objects: env.objects ?? [],
      more: env.more === true,
      ...(env.next ? { next: env.next } : {}),
      ...(first ? { dateAddedFirst: first } : {}),
      ...(last ? { dateAddedLast: last } : {}),
    };
  }

  /**
   * Pulls every object added since the stored cursor, following `next` across pages, and
   * stores the last `date_added` seen so the next pull resumes there.
   */
  async pull(
    apiRootUrl: string,
    collectionId: string,
    options: {
      filters?: TaxiiFilters;
      cursors?: TaxiiCursorStore;
      pageSize?: number;
      onPage?: (p: TaxiiPage) => void;
    } = {},
  ): Promise<{ objects: Record<string, unknown>[]; pages: number; addedAfter?: string }> {
    const collection = await this.collection(apiRootUrl, collectionId);
    const key = `${slash(apiRootUrl)}collections/${collection.id}/`;
    const resume = options.cursors?.get(key);
    const base: TaxiiFilters = {
      ...options.filters,
      ...(resume !== undefined && options.filters?.added_after === undefined ? { added_after: resume } : {}),
      ...(options.pageSize ? { limit: options.pageSize } : {}),
    };
    const objects: Record<string, unknown>[] = [];
    let pages = 0;
    let last = resume;
    let filters: TaxiiFilters = base;
    for (;;) {
      const page = await this.getObjects(apiRootUrl, collection, filters);
      pages++;
      objects.push(...page.objects);
      options.onPage?.(page);
      if (page.dateAddedLast) last = page.dateAddedLast;
      if (!page.more || page.objects.length === 0) break;
      // Follow `next`; a server that says "more" without one is paged with added_after instead.
      if (page.next !== undefined) filters = { ...base, next: page.next };
      else if (page.dateAddedLast !== undefined) filters = { ...base, added_after: page.dateAddedLast };
      else break;
    }
    if (last !== undefined) options.cursors?.set(key, last);
    return { objects, pages, ...(last === undefined ? {} : { addedAfter: last }) };
  }

  /** Posts objects in one envelope; returns the status resource. */
  async push(apiRootUrl: string, collectionId: string, objects: readonly unknown[]): Promise<TaxiiStatus> {
    const collection = await this.collection(apiRootUrl, collectionId);
    if (!collection.can_write) throw new AppError('FORBIDDEN', `collection ${collection.id} is not writable`);
    const r = await this.request(`${slash(apiRootUrl)}collections/${collection.id}/objects/`, {
      method: 'POST',
      headers: { 'Content-Type': TAXII_MEDIA_TYPE },
      body: JSON.stringify({ objects }),
    });
    return parse(StatusSchema, r.body, 'status');
  }

  /** A status resource. */
  async status(apiRootUrl: string, id: string): Promise<TaxiiStatus> {
    return parse(StatusSchema, (await this.request(`${slash(apiRootUrl)}status/${id}/`)).body, 'status');
  }

  /** Polls a status until it is complete or the timeout passes. */
  async waitForStatus(
    apiRootUrl: string,
    id: string,
    options: { intervalMs?: number; timeoutMs?: number } = {},
  ): Promise<TaxiiStatus> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const s = await this.status(apiRootUrl, id);
      if (s.status === 'complete' || Date.now() > deadline) return s;
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 1000));
    }
  }
}

function slash(u: string): string {
  return u.endsWith('/') ? u : `${u}/`;
}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const r = schema.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new AppError(
      'VALIDATION',
      `TAXII ${what} is invalid: ${issue ? `${issue.path.join('.')}: ${issue.message}` : ''}`,
    );
  }
  return r.data;
}
