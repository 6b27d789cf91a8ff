/**
 * @module
 * Cross-site request forgery checks for changes made with the session cookie. SameSite=Strict
 * is not enough: a page on another port of the same host is *same-site*, so the browser attaches
 * the cookie to its `no-cors` `text/plain` POST. Such a page can send neither a custom header
 * (that needs a CORS preflight, which the node never grants) nor a forged `Origin`, so a
 * cookie-authenticated change must carry `X-Requested-With` and, when the browser names one, come
 * from the node's own origin or a configured one. Bearer and Basic credentials are never
 * attached by a browser on its own, so they are not checked.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '@intersoc/core';

/** The header the dashboard sends with every change (any non-empty value). */
export const CSRF_HEADER = 'x-requested-with';

/** Normalises configured origins (`https://soc.example.org/` → `https://soc.example.org`). */
export function originsOf(list: readonly string[]): ReadonlySet<string> {
  const out = new Set<string>();
  for (const o of list) {
    try {
      out.add(new URL(o).origin);
    } catch {
      throw new AppError('CONFIG', `http.allowedOrigins: not an origin: ${o}`);
    }
  }
  return out;
}

/**
 * Whether `origin` names the host and port this request was sent to. The scheme is left out: behind
 * a TLS proxy the node sees http while the browser says https, and a page can only differ in
 * scheme on the same host and port if it is served by this very node. `null` matches nothing.
 */
function isOwn(origin: string, request: FastifyRequest): boolean {
  try {
    const o = new URL(origin);
    return o.host === new URL(`${o.protocol}//${request.host}`).host;
  } catch {
    return false;
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Refuses (403) a request whose browser says it comes from elsewhere: an `Origin` that is not
 * the node's own (host and port, as this request reached it) nor allowed, or, without
 * `Origin`, a `Sec-Fetch-Site` other than same-origin or a typed address.
 */
export function requireSameOrigin(request: FastifyRequest, allowed: ReadonlySet<string>): void {
  const origin = header(request, 'origin');
  if (origin !== undefined) {
    if (!allowed.has(origin) && !isOwn(origin, request)) {
      throw new AppError('FORBIDDEN', `cross-origin request refused: origin ${origin} is not this node's`);
    }
    return;
  }
  const site = header(request, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new AppError('FORBIDDEN', `cross-site request refused (Sec-Fetch-Site: ${site})`);
  }
}

/** The checks for a change authenticated by the session cookie. */
export function checkCookieChange(request: FastifyRequest, allowed: ReadonlySet<string>): void {
  const marker = header(request, CSRF_HEADER);
  if (marker === undefined || marker.trim() === '') {
    throw new AppError(
      'FORBIDDEN',
      `changes made with the session cookie need the ${CSRF_HEADER} header (the dashboard sends it); ` +
        'scripts should use Authorization: Bearer',
    );
  }
  requireSameOrigin(request, allowed);
}
