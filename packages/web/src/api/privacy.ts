/**
 * @module
 * The dashboard's client for privacy: re-identification of a pseudonym for a case with a reason,
 * decisions of the second person under four eyes, the data protection officer's log, data-subject
 * requests (access, erasure, restriction), the Art. 30 record and the personal-data inventory.
 */
import { ApiError, apiUrl, CSRF_HEADER, request as call } from './client';

/** A data subject as the API names it: `user:NAME`, `email:ADDR` or `host:NAME`. */
export type SubjectKind = 'user' | 'email' | 'host';

/** One record that mentions a subject. */
export interface SubjectItem {
  readonly kind: string;
  readonly tenant: string;
  readonly id: string;
  readonly time?: number;
  readonly summary: string;
  readonly record: unknown;
}

/** The answer to a subject access request; `report` is the readable Markdown report. */
export interface SubjectExport {
  readonly subject: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly items: readonly SubjectItem[];
  readonly report?: string;
}

/** A record kept under legal hold by an erasure. */
export interface HeldRecord {
  readonly kind: string;
  readonly tenant: string;
  readonly id: string;
  readonly reason: string;
}

/** What an erasure did. */
export interface Erasure {
  readonly subject: string;
  readonly erased: Readonly<Record<string, number>>;
  readonly held: readonly HeldRecord[];
  readonly requestId: string;
}

/** A restriction of processing. */
export interface Restriction {
  readonly subject: string;
  readonly reason: string;
  readonly createdBy: string;
  readonly created: number;
}

/** A field of the personal-data inventory. */
export interface PersonalField {
  readonly field: string;
  readonly kind: string;
  readonly when: string;
  readonly category: string;
  readonly legalBasis: string;
}

/** A re-identification request; `value` only on the requester's approved request. */
export interface Reidentification {
  readonly id: string;
  readonly pseudonym: string;
  readonly caseId: string;
  readonly reason: string;
  readonly requestedBy: string;
  readonly requested: number;
  readonly status: 'pending' | 'approved' | 'denied';
  readonly decidedBy?: string;
  readonly decided?: number;
  readonly value?: string;
  readonly kind?: string;
}

/** Pseudonyms as the node shows them (`user-7f3a09bc`). */
export const PSEUDONYM = /\b(?:user|host|email|ip)-[0-9a-f]{8}\b/;

/** The privacy API. */
export const privacyApi = {
  reidentify: (body: { pseudonym: string; caseId: string; reason: string }) =>
    call<Reidentification>('POST', '/api/privacy/reidentify', { body }),
  decide: (id: string, approve: boolean) =>
    call<Reidentification>('POST', `/api/privacy/reidentify/${encodeURIComponent(id)}/decision`, {
      body: { approve },
    }),
  get: (id: string) => call<Reidentification>('GET', `/api/privacy/reidentify/${encodeURIComponent(id)}`),
  requests: (signal?: AbortSignal) =>
    call<{ items: Reidentification[] }>('GET', '/api/privacy/requests', signal ? { signal } : {}),
  log: (signal?: AbortSignal) =>
    call<{ items: Reidentification[] }>('GET', '/api/privacy/reidentifications', signal ? { signal } : {}),
  exportSubject: (subject: string) => call<SubjectExport>('POST', '/api/privacy/export', { body: { subject } }),
  erase: (subject: string, reason: string) =>
    call<Erasure>('POST', '/api/privacy/erase', { body: reason ? { subject, reason } : { subject } }),
  restrictions: (signal?: AbortSignal) =>
    call<{ items: Restriction[] }>('GET', '/api/privacy/restrictions', signal ? { signal } : {}),
  restrict: (subject: string, reason: string) =>
    call<Restriction>('POST', '/api/privacy/restrictions', { body: { subject, reason } }),
  lift: (subject: string) => call<{ lifted: boolean }>('POST', '/api/privacy/restrictions/lift', { body: { subject } }),
  record: (signal?: AbortSignal) =>
    call<Record<string, unknown>>('GET', '/api/privacy/record', signal ? { signal } : {}),
  recordUrl: (format: 'md' | 'json') => apiUrl('/api/privacy/record', { format }),
  /** The Art. 30 record as Markdown. */
  recordText: async (signal?: AbortSignal): Promise<string> => {
    const res = await fetch(apiUrl('/api/privacy/record', { format: 'md' }), {
      credentials: 'same-origin',
      headers: { accept: 'text/markdown', [CSRF_HEADER]: 'intersoc' },
      ...(signal ? { signal } : {}),
    });
    if (!res.ok) throw new ApiError(res.status, `HTTP_${res.status}`, `${res.status} ${res.statusText}`);
    return res.text();
  },
  inventory: (signal?: AbortSignal) =>
    call<{ items: PersonalField[] }>('GET', '/api/privacy/inventory', signal ? { signal } : {}),
};
