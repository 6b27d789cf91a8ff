/**
 * @module
 * Turns presented credentials into an `AuthContext`: `Authorization: Bearer <API token or
 * session token>`, `Authorization: Basic <tenant/user:password>` (for TAXII clients and the
 * like), or the session cookie. Password checks go through the login throttle; verified Basic
 * credentials are cached briefly (see `credential-cache.ts`).
 */
import { AppError, DEFAULT_TENANT } from '@intersoc/core';
import type { AuthContext } from '@intersoc/core';
import type { AuthStores, ResolvedIdentity, User } from '@intersoc/storage';
import type { PresentedCredential } from '../access/request-state.js';
import { readCookie, SESSION_COOKIE } from './cookies.js';
import { CredentialCache } from './credential-cache.js';
import type { LoginThrottle } from './login-throttle.js';

/** What a caller presented; every field optional. */
export interface Credentials {
  /** The `Authorization` header. */
  readonly authorization?: string | undefined;
  /** The `Cookie` header. */
  readonly cookie?: string | undefined;
  /** Client address, for the brute-force throttle on Basic credentials. */
  readonly ip?: string | undefined;
}

/** Outcome of checking credentials, with the reason when they fail. */
export type AuthCheck =
  | { readonly ok: true; readonly ctx: AuthContext; readonly credential: PresentedCredential }
  | { readonly ok: false; readonly reason: 'missing' | 'invalid' }
  /** A Basic password that was checked and found wrong. */
  | { readonly ok: false; readonly reason: 'invalid'; readonly passwordChecked: true }
  | { readonly ok: false; readonly reason: 'throttled'; readonly retryAfterSeconds: number };

/** Authenticates requests. */
export interface Authenticator {
  /**
   * Resolves credentials to a context, or undefined when there are none or they are not valid.
   * A throttled password check throws RATE_LIMITED with `statusCode` 429 and
   * `retryAfterSeconds`. This is the function the TAXII server plug-in takes.
   *
   * @example
   * const ctx = await auth.authenticate({ authorization: req.headers.authorization });
   * if (!ctx) reply.code(401);
   */
  authenticate(credentials: Credentials): Promise<AuthContext | undefined>;
  /** Like `authenticate`, but says why it failed. */
  check(credentials: Credentials): Promise<AuthCheck>;
}

/** Splits a Basic user name into tenant and user: `tenant/user`, or a bare user of the default tenant. */
export function splitAccount(login: string): { tenant: string; user: string } {
  const slash = login.indexOf('/');
  return slash < 0
    ? { tenant: DEFAULT_TENANT, user: login }
    : { tenant: login.slice(0, slash), user: login.slice(slash + 1) };
}

function contextOf(id: ResolvedIdentity, via: AuthContext['via']): AuthContext {
  return { tenant: id.tenant, user: id.user, roles: [id.role], via };
}

/** Creates the authenticator over the identity stores. */
export function createAuthenticator(deps: {
  readonly stores: AuthStores;
  readonly throttle: LoginThrottle;
  /** Verified Basic credentials; a fresh one by default. */
  readonly cache?: CredentialCache;
}): Authenticator {
  const { stores, throttle } = deps;
  const cache = deps.cache ?? new CredentialCache();

  async function bearer(secret: string): Promise<AuthCheck> {
    if (secret.startsWith('ist_')) {
      const id = await stores.tokens.resolve(secret);
      return id
        ? { ok: true, ctx: contextOf(id, 'token'), credential: { kind: 'token', secret, id: id.credentialId } }
        : invalid;
    }
    if (secret.startsWith('iss_')) {
      const id = await stores.sessions.resolve(secret);
      return id
        ? { ok: true, ctx: contextOf(id, 'session'), credential: { kind: 'session', secret, id: id.credentialId } }
        : invalid;
    }
    return invalid;
  }

  /** One password check, through the throttle; the stamp is read first so a change during the check is not cached. */
  async function verifyBasic(tenant: string, user: string, password: string, ip: string | undefined, key: string) {
    const gate = throttle.reserve({ account: `${tenant}/${user}`, ip });
    if (!gate.allowed) return { throttled: gate.retryAfterSeconds } as const;
    try {
      const before = await stores.users.passwordStamp(tenant, user);
      const found = await stores.users.verifyPassword(tenant, user, password);
      if (!found) {
        gate.ticket.fail();
        return { found: undefined } as const;
      }
      gate.ticket.succeed();
      if (before !== undefined) cache.remember(key, before.stamp);
      return { found } as const;
    } finally {
      gate.ticket.release();
    }
  }

  async function basic(encoded: string, ip: string | undefined): Promise<AuthCheck> {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return invalid;
    const { tenant, user } = splitAccount(decoded.slice(0, colon));
    const password = decoded.slice(colon + 1);
    // A locked account or address is refused before the cache: a hit must not tell a locked-out
    // guesser that a guess was right.
    const gate = throttle.check({ account: `${tenant}/${user}`, ip });
    if (!gate.allowed) return { ok: false, reason: 'throttled', retryAfterSeconds: gate.retryAfterSeconds };
    const key = cache.keyOf(tenant, user, password);
    let found: User | undefined;
    const cached = cache.stampOf(key);
    if (cached !== undefined) {
      const current = await stores.users.passwordStamp(tenant, user);
      if (current?.stamp === cached) found = current.user;
      else cache.forget(key);
    }
    if (found === undefined) {
      // Keyed by the credential and the address, so a guesser never shares another client's check.
      const r = await cache.once(`${key}\u0000${ip ?? ''}`, () => verifyBasic(tenant, user, password, ip, key));
      if ('throttled' in r) return { ok: false, reason: 'throttled', retryAfterSeconds: r.throttled };
      if (r.found === undefined) return wrongPassword;
      found = r.found;
    }
    // Basic credentials authenticate each request like a short session; core has no separate `via`.
    return {
      ok: true,
      ctx: { tenant: found.tenant, user: found.name, roles: [found.role], via: 'session' },
      credential: { kind: 'basic', secret: '' },
    };
  }

  async function check(credentials: Credentials): Promise<AuthCheck> {
    const header = credentials.authorization?.trim();
    if (header !== undefined && header.length > 0) {
      // An Authorization header that does not work is an error, never a fall-back to the cookie.
      const space = header.indexOf(' ');
      const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
      const value = space < 0 ? '' : header.slice(space + 1).trim();
      if (value.length === 0 || value.length > 4096) return invalid;
      if (scheme === 'bearer') return bearer(value);
      if (scheme === 'basic') return basic(value, credentials.ip);
      return invalid;
    }
    const cookie = readCookie(credentials.cookie, SESSION_COOKIE);
    if (cookie !== undefined && cookie.length > 0) {
      const r = await bearer(cookie);
      // Marked, because a browser attaches the cookie by itself: changes made with it need CSRF checks.
      return r.ok ? { ...r, credential: { ...r.credential, fromCookie: true } } : r;
    }
    return missing;
  }

  return {
    check,
    async authenticate(credentials) {
      const r = await check(credentials);
      if (r.ok) return r.ctx;
      if (r.reason === 'throttled') {
        // Other servers (TAXII) answer an error's statusCode: a throttled client must see 429, not 401.
        throw Object.assign(
          new AppError('RATE_LIMITED', 'too many failed logins; retry later', {
            details: { retryAfterSeconds: r.retryAfterSeconds },
          }),
          { statusCode: 429, retryAfterSeconds: r.retryAfterSeconds },
        );
      }
      return undefined;
    },
  };
}

const invalid: AuthCheck = { ok: false, reason: 'invalid' };
const missing: AuthCheck = { ok: false, reason: 'missing' };
const wrongPassword: AuthCheck = { ok: false, reason: 'invalid', passwordChecked: true };
