/**
 * @module
 * The session cookie: reading it from a `Cookie` header and writing `Set-Cookie` values.
 */

/** Name of the session cookie. */
export const SESSION_COOKIE = 'intersoc_session';

/** Reads one cookie from a `Cookie` header; undefined when absent. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    return value;
  }
  return undefined;
}

/**
 * `Set-Cookie` for a session: HttpOnly (no script access), SameSite=Strict (never sent on
 * cross-site requests, which is the CSRF defence), Path=/, and Secure when served over TLS.
 */
export function sessionCookie(secret: string, maxAgeSeconds: number, secure: boolean): string {
  const attrs = [`${SESSION_COOKIE}=${secret}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`];
  if (secure) attrs.push('Secure');
  return attrs.join('; ');
}

/** `Set-Cookie` that removes the session cookie. */
export function clearSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}
