/**
 * @module
 * The dashboard's client for privacy: re-identification of a pseudonym for a case with a reason,
 * decisions of the second person under four eyes, and the data protection officer's log.
 */
import { request as call } from './client';

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
};
