/**
 * @module
 * The dashboard's client for threat reports (upload, read, review, publish, STIX) and the alert
 * queue ranked by learned priority. Same session cookie, tenant switch and error handling as the
 * rest of the client; uploads send the file's bytes as the body.
 */
import { ApiError, apiUrl, CSRF_HEADER, UNAUTHENTICATED_EVENT } from './client';
import type { Alert } from './types';

/** TLP levels. */
export type Tlp = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';

/** A report in the list. */
export interface ReportSummary {
  readonly id: string;
  readonly name: string;
  readonly title?: string;
  readonly format: string;
  readonly tlp: Tlp;
  readonly status: 'analysed' | 'reviewed' | 'published';
  readonly pages: number;
  readonly items: number;
  readonly reviewed: number;
  readonly model: string;
  readonly added: number;
  readonly addedBy: string;
  readonly published?: number;
}

/** An analyst's decision. */
export type Decision = 'accept' | 'reject' | 'correct';

/** An extracted item. */
export interface ReportItem {
  readonly id: string;
  readonly kind: 'indicator' | 'technique' | 'actor';
  readonly type: string;
  readonly value: string;
  readonly ref?: string;
  readonly name?: string;
  readonly sentence: number;
  readonly start: number;
  readonly end: number;
  readonly confidence: number;
  readonly source: string;
  readonly review?: { readonly decision: Decision; readonly value?: string; readonly by: string; readonly at: number };
}

/** A report with its text and items. */
export interface ReportDetail extends Omit<ReportSummary, 'items'> {
  readonly document: {
    readonly text: string;
    readonly paragraphs: readonly { start: number; end: number; page: number; part: string }[];
    readonly sentences: readonly { start: number; end: number; paragraph: number }[];
    readonly attachments: readonly { name: string; status: string; reason?: string }[];
    readonly warnings: readonly string[];
  };
  readonly items: readonly ReportItem[];
  readonly dropped: readonly { type: string; value: string; reason: string; sentence: number }[];
}

/** An alert ranked by learned priority. */
export interface RankedAlert {
  readonly alert: Alert;
  readonly status: 'new' | 'acknowledged' | 'closed';
  readonly probability: number;
  readonly reasons: readonly { readonly feature: string; readonly weight: number }[];
}

type Query = Readonly<Record<string, string | number | undefined>>;

async function call<T>(
  method: string,
  path: string,
  o: { query?: Query; json?: unknown; raw?: Blob; signal?: AbortSignal } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(apiUrl(path, o.query), {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        [CSRF_HEADER]: 'intersoc',
        ...(o.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(o.raw ? { 'content-type': o.raw.type || 'application/octet-stream' } : {}),
      },
      ...(o.json !== undefined ? { body: JSON.stringify(o.json) } : o.raw ? { body: o.raw } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'the node did not answer; check that it is running');
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (res.status === 401) window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
    throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? `${res.status} ${res.statusText}`);
  }
  return body as T;
}

/** The reports API. */
export const reports = {
  list: (signal?: AbortSignal) => call<{ items: ReportSummary[] }>('GET', '/api/reports', signal ? { signal } : {}),
  get: (id: string, signal?: AbortSignal) =>
    call<ReportDetail>('GET', `/api/reports/${encodeURIComponent(id)}`, signal ? { signal } : {}),
  upload: (file: File, tlp: Tlp) =>
    call<{ summary: ReportSummary; created: boolean }>('POST', '/api/reports', {
      query: { name: file.name, tlp },
      raw: file,
    }),
  review: (
    id: string,
    body: {
      decisions: { item: string; decision: Decision; value?: string }[];
      add?: { sentence: number; technique: string }[];
    },
  ) => call<ReportDetail>('POST', `/api/reports/${encodeURIComponent(id)}/review`, { json: { add: [], ...body } }),
  publish: (id: string) =>
    call<{ objects: number; added: number; duplicates: number; rejected: unknown[] }>(
      'POST',
      `/api/reports/${encodeURIComponent(id)}/publish`,
    ),
  stixUrl: (id: string) => apiUrl(`/api/reports/${encodeURIComponent(id)}/stix`),
  ranked: (limit: number, signal?: AbortSignal) =>
    call<{ model: string; trained: boolean; items: RankedAlert[] }>('GET', '/api/triage/ranked', {
      query: { limit },
      ...(signal ? { signal } : {}),
    }),
};
