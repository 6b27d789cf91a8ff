/**
 * @module
 * Per-request identity and audit notes. Kept in a WeakMap rather than on the request object, so
 * nothing ambient leaks into other plugins and the state dies with the request.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '@intersoc/core';
import type { AuthContext, Role } from '@intersoc/core';
import { actAs } from '@intersoc/storage';
import type { JsonValue } from '@intersoc/storage';

/**
 * Who may call a route: `public` (no credentials needed) or the roles allowed. Declared on
 * every route as `config.access`; `buildApi` refuses to start with a route that lacks it.
 */
export type RouteAccess = 'public' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route. Required on every route. */
    access?: RouteAccess;
    /** Audit action name (e.g. `user.create`). Required on every mutating route. */
    audit?: string;
    /** Media types of a raw (unparsed) request body, for the API description. */
    rawBody?: readonly string[];
  }
}

/** Every role: for routes any authenticated caller may use. */
export const ANY_ROLE: readonly Role[] = ['admin', 'analyst', 'viewer', 'partner', 'instructor', 'trainee', 'dpo'];

/** The credential a request authenticated with (kept to end a session on logout; empty for Basic, whose password is never kept). */
export interface PresentedCredential {
  readonly kind: 'token' | 'session' | 'basic';
  readonly secret: string;
  /** Token or session id, when the credential has one. */
  readonly id?: string;
  /** True when it came from the session cookie, which a browser attaches by itself (CSRF). */
  readonly fromCookie?: boolean;
}

/** What a handler adds to its audit entry. Never secrets. */
export interface AuditNote {
  /** Tenant acted upon when it differs from the caller's (operator actions, logins). */
  tenant?: string;
  /** Actor when there is no authenticated caller (the user name of a login attempt). */
  actor?: string;
  target?: string;
  details?: Record<string, JsonValue>;
}

interface RequestState {
  auth?: AuthContext;
  credential?: PresentedCredential;
  audit: AuditNote;
  /** Refused before any credential was checked (missing, invalid or throttled): cheap for a flood. */
  unverified?: boolean;
}

const states = new WeakMap<FastifyRequest, RequestState>();

function stateOf(request: FastifyRequest): RequestState {
  let s = states.get(request);
  if (!s) {
    s = { audit: {} };
    states.set(request, s);
  }
  return s;
}

/** Records who the request authenticated as. */
export function setAuth(request: FastifyRequest, auth: AuthContext, credential: PresentedCredential): void {
  const s = stateOf(request);
  s.auth = auth;
  s.credential = credential;
}

/**
 * Marks a request refused without checking a password: no credentials, bad ones, or a throttle.
 * The audit hook counts such refusals per address instead of writing a row for each.
 */
export function markUnverified(request: FastifyRequest): void {
  stateOf(request).unverified = true;
}

/** True when `markUnverified` was called for the request. */
export function isUnverified(request: FastifyRequest): boolean {
  return states.get(request)?.unverified === true;
}

/** The caller's context, when the request authenticated. */
export function maybeAuthOf(request: FastifyRequest): AuthContext | undefined {
  return states.get(request)?.auth;
}

/** The caller's context; UNAUTHENTICATED on a route that forgot to require it. */
export function authOf(request: FastifyRequest): AuthContext {
  const auth = maybeAuthOf(request);
  if (!auth) throw new AppError('UNAUTHENTICATED', 'authentication required');
  return auth;
}

/** The credential the request presented. */
export function credentialOf(request: FastifyRequest): PresentedCredential | undefined {
  return states.get(request)?.credential;
}

/** Adds facts to the request's audit entry. */
export function noteAudit(request: FastifyRequest, note: AuditNote): void {
  const s = stateOf(request);
  s.audit = { ...s.audit, ...note, details: { ...s.audit.details, ...note.details } };
}

/** The request's audit notes. */
export function auditNoteOf(request: FastifyRequest): AuditNote {
  return states.get(request)?.audit ?? {};
}

/**
 * The context to act with inside `tenant` (the caller's own when omitted). Only the node
 * operator may name another tenant; the audit entry then goes to that tenant's log.
 */
export function scopeFor(request: FastifyRequest, tenant?: string): AuthContext {
  const ctx = actAs(authOf(request), tenant);
  if (ctx.tenant !== authOf(request).tenant) noteAudit(request, { tenant: ctx.tenant });
  return ctx;
}
