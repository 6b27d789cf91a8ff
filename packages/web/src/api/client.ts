/**
 * @module
 * The dashboard's HTTP client for the node API. Authentication is the HttpOnly session cookie
 * set at login (SameSite=Strict, so other sites cannot ride on it); the operator's tenant
 * switch adds `?tenant=` to every data call. A 401 anywhere ends the session in the UI.
 */
import type {
  AlertDetail,
  AlertStatus,
  DeadLetter,
  FieldInfo,
  Health,
  Histogram,
  IntelGraph,
  IntelImportResult,
  IntelObject,
  Me,
  NodeStatus,
  Overview,
  Page,
  ProcessTree,
  RuleCatalogue,
  RuleInfo,
  Severity,
  SocEvent,
  SocNetwork,
  TechniqueCoverage,
  Tenant,
  TriagedAlert,
} from './types';

/** An error answer of the API (`{ error: { code, message, details? } }`), or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Query = Readonly<Record<string, string | number | boolean | undefined | readonly string[]>>;

let tenantOverride: string | undefined;

/** The tenant the operator is looking into (undefined: the caller's own). */
export function setTenantOverride(tenant: string | undefined): void {
  tenantOverride = tenant;
}

/** The current tenant override. */
export function tenantOverrideOf(): string | undefined {
  return tenantOverride;
}

/** Header every request of the dashboard carries, which the node requires on changes made with the cookie. */
export const CSRF_HEADER = 'x-requested-with';

/** Event fired on `window` when the API says the session is gone. */
export const UNAUTHENTICATED_EVENT = 'intersoc:unauthenticated';

/** Builds an API URL with the query (and the tenant override for data routes). */
export function apiUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === '') continue;
    params.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const scoped = !path.startsWith('/api/auth') && !path.startsWith('/api/tenants') && path !== '/api/health';
  if (tenantOverride !== undefined && scoped) params.set('tenant', tenantOverride);
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Options of one API call. */
type RequestOptions = { query?: Query; body?: unknown; signal?: AbortSignal };

/**
 * A JSON call to the API: CSRF header, tenant override, `ApiError` on failure (shared by every
 * domain client). A read refused by the user's concurrent-search limit (`RATE_LIMITED`: other
 * views of the same user still counting) is asked again after a growing pause, at most 4 times,
 * rather than shown as an error for a busy moment; writes are never repeated.
 */
export async function request<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await requestOnce<T>(method, path, o);
    } catch (err) {
      if (method !== 'GET' || !(err instanceof ApiError) || err.code !== 'RATE_LIMITED' || attempt >= 4) throw err;
      await pause(500 * 2 ** attempt, o.signal);
    }
  }
}

/** Waits `ms`, or rejects with the signal's abort. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DOMException('aborted', 'AbortError'));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new DOMException('aborted', 'AbortError'));
    });
  });
}

async function requestOnce<T>(method: string, path: string, o: RequestOptions): Promise<T> {
  let res: Response;
  try {
    res = await fetch(apiUrl(path, o.query), {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        // The node refuses cookie-authenticated changes without it (CSRF): a foreign page cannot set it.
        [CSRF_HEADER]: 'intersoc',
        ...(o.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
      ...(o.signal ? { signal: o.signal } : {}),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'the node did not answer; check that it is running');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)
      ?.error;
    if (res.status === 401 && !path.startsWith('/api/auth/login'))
      window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
    throw new ApiError(
      res.status,
      e?.code ?? `HTTP_${res.status}`,
      e?.message ?? `${res.status} ${res.statusText}`,
      e?.details,
    );
  }
  return body as T;
}

/** Options every list call takes. */
export interface Signal {
  readonly signal?: AbortSignal;
}

/** The node API. */
export const api = {
  login: (b: { tenant: string; username: string; password: string }) =>
    request<{ tenant: string; user: string; role: string; expires: number }>('POST', '/api/auth/login', { body: b }),
  logout: () => request<void>('POST', '/api/auth/logout'),
  me: () => request<Me>('GET', '/api/auth/me'),
  tenants: () => request<{ items: Tenant[] }>('GET', '/api/tenants'),
  health: () => request<Health>('GET', '/api/health'),

  overview: (q: { from?: number; to?: number; buckets?: number }, o: Signal = {}) =>
    request<Overview>('GET', '/api/overview', { query: q, ...o }),

  alerts: (
    q: {
      q?: string;
      from?: number;
      to?: number;
      status?: readonly AlertStatus[];
      minSeverity?: Severity;
      limit?: number;
      cursor?: string;
    },
    o: Signal = {},
  ) => request<Page<TriagedAlert>>('GET', '/api/triage/alerts', { query: q, ...o }),
  alert: (id: string, o: Signal = {}) => request<AlertDetail>('GET', `/api/triage/alerts/${encodeURIComponent(id)}`, o),
  setStatus: (b: { ids: readonly string[]; status: AlertStatus; reason?: string }) =>
    request<{ updated: number; missing: string[] }>('POST', '/api/triage/alerts/status', { body: b }),

  events: (q: { q: string; from?: number; to?: number; limit?: number; cursor?: string }, o: Signal = {}) =>
    request<Page<SocEvent>>('GET', '/api/events', { query: q, ...o }),
  processTree: (id: string, o: Signal = {}) =>
    request<ProcessTree>('GET', `/api/events/${encodeURIComponent(id)}/process-tree`, o),
  histogram: (q: { q: string; from: number; to: number; buckets: number }, o: Signal = {}) =>
    request<Histogram>('GET', '/api/events/histogram', { query: q, ...o }),
  fields: (q: { sample?: number } = {}, o: Signal = {}) =>
    request<{ fields: FieldInfo[] }>('GET', '/api/events/fields', { query: q, ...o }),
  exportUrl: (q: { q: string; from?: number; to?: number; format: 'ndjson' | 'csv'; max?: number }) =>
    apiUrl('/api/events/export', q),
  deadLetters: (q: { limit?: number } = {}, o: Signal = {}) =>
    request<Page<DeadLetter>>('GET', '/api/dead-letters', { query: q, ...o }),

  rules: (o: Signal = {}) => request<RuleCatalogue>('GET', '/api/rules', o),
  tuneRule: (key: string, b: { enabled?: boolean; level?: Severity | null }) =>
    request<RuleInfo>('PATCH', `/api/rules/${encodeURIComponent(key)}`, { body: b }),
  coverage: (o: Signal = {}) => request<{ techniques: TechniqueCoverage[] }>('GET', '/api/attack/coverage', o),

  intel: (q: { q?: string; type?: readonly string[]; limit?: number; cursor?: string }, o: Signal = {}) =>
    request<Page<IntelObject>>('GET', '/api/intel/objects', { query: q, ...o }),
  intelGraph: (id: string, o: Signal = {}) =>
    request<IntelGraph>('GET', `/api/intel/objects/${encodeURIComponent(id)}`, o),
  intelImport: (format: 'stix' | 'misp', doc: unknown) =>
    request<IntelImportResult>('POST', '/api/intel/import', { query: { format }, body: doc }),
  intelExportUrl: (format: 'stix' | 'misp', ids?: readonly string[]) => apiUrl('/api/intel/export', { format, ids }),

  network: (o: Signal = {}) => request<SocNetwork>('GET', '/api/soc-network', o),
  nodeStatus: (o: Signal = {}) => request<NodeStatus>('GET', '/api/node/status', o),

  /** URL of the live alert stream (Server-Sent Events). */
  streamUrl: () => apiUrl('/api/alerts/stream'),
};
