/**
 * @module
 * Mutual authentication between nodes from their Ed25519 keys, over any HTTP transport.
 *
 * Requests carry `Authorization: Intersoc-Node id=…, to=…, ts=…, nonce=…, digest=…, sig=…`: the
 * sender's signature over the method, path and query, the recipient's node id, the time, a
 * single-use nonce and the SHA-256 of the body. The recipient checks the key is a pinned,
 * active peer's, the time is within the skew, the nonce is new (kept until it would expire
 * anyway, across restarts), and the body matches the digest. Responses to such requests carry
 * `X-Intersoc-Signature`, the responder's signature over the status, the request's nonce and
 * the body's digest, which the requester checks against the key it pinned for that peer.
 */
import { randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { fail, ok, type Result } from '@intersoc/core';
import { b64u, sha256 } from '../internal/bytes.js';
import { signBytes, verifyBytes } from '../internal/keys.js';

/** The Authorization scheme. */
export const AUTH_SCHEME = 'Intersoc-Node';
/** Response signature header. */
export const RESPONSE_SIGNATURE_HEADER = 'x-intersoc-signature';

const REQUEST_CONTEXT = 'intersoc-request-v1';
const RESPONSE_CONTEXT = 'intersoc-response-v1';

/** The fields of the header. */
export interface AuthFields {
  readonly id: string;
  readonly to: string;
  readonly ts: number;
  readonly nonce: string;
  readonly digest: string;
  readonly sig: string;
}

/** SHA-256 (base64url) of a body; the empty body has a digest too. */
export function bodyDigest(body: string | Uint8Array | undefined): string {
  return b64u(sha256(body ?? ''));
}

function requestText(method: string, target: string, f: Omit<AuthFields, 'sig'>): string {
  return [REQUEST_CONTEXT, method.toUpperCase(), target, f.id, f.to, String(f.ts), f.nonce, f.digest].join('\n');
}

/** Builds the Authorization header of a request. */
export function signRequest(
  key: KeyObject,
  r: { id: string; to: string; method: string; target: string; body?: string | Uint8Array; now?: number },
): { header: string; nonce: string } {
  const fields = {
    id: r.id,
    to: r.to,
    ts: Math.floor((r.now ?? Date.now()) / 1000),
    nonce: b64u(randomBytes(16)),
    digest: bodyDigest(r.body),
  };
  const sig = signBytes(key, requestText(r.method, r.target, fields));
  const header = `${AUTH_SCHEME} id="${fields.id}", to="${fields.to}", ts="${fields.ts}", nonce="${fields.nonce}", digest="${fields.digest}", sig="${sig}"`;
  return { header, nonce: fields.nonce };
}

/** Parses the header; undefined when it is not this scheme or malformed. */
export function parseAuthHeader(header: string | undefined): AuthFields | undefined {
  if (!header || header.length > 1024) return undefined;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space).toLowerCase() !== AUTH_SCHEME.toLowerCase()) return undefined;
  const f: Record<string, string> = {};
  for (const part of header.slice(space + 1).split(',')) {
    const m = /^\s*([a-z]+)="([A-Za-z0-9_-]*)"\s*$/.exec(part);
    if (!m) return undefined;
    f[m[1] as string] = m[2] as string;
  }
  const { id, to, ts, nonce, digest, sig } = f;
  if (!id || !to || !ts || !nonce || !digest || !sig || !/^\d{1,12}$/.test(ts)) return undefined;
  return { id, to, ts: Number(ts), nonce, digest, sig };
}

/** True when a request uses node authentication. */
export function isNodeAuth(header: string | undefined): boolean {
  return header !== undefined && header.trimStart().toLowerCase().startsWith(`${AUTH_SCHEME.toLowerCase()} `);
}

/** Why a request was refused, with the HTTP status to answer. */
export interface RequestRefusal {
  readonly status: 401 | 429;
  readonly reason: string;
}

/** What the verifier needs to know. */
export interface RequestVerifierOptions {
  readonly me: string;
  /** The pinned key of an active peer, or undefined (unknown, removed or revoked). */
  readonly peerKey: (nodeId: string) => string | undefined;
  /** Records a nonce; false when already seen. */
  readonly useNonce: (peer: string, nonce: string, expiresMs: number) => boolean;
  readonly skewSeconds: number;
  /** Admits one more request of a peer (rate limit). */
  readonly admit?: (peer: string) => boolean;
  readonly now?: () => number;
}

/** Verifies a request's node authentication (the body digest is checked separately, once read). */
export function verifyRequest(
  o: RequestVerifierOptions,
  r: { method: string; target: string; authorization: string | undefined },
): Result<AuthFields, RequestRefusal> {
  const f = parseAuthHeader(r.authorization);
  if (!f) return fail({ status: 401, reason: 'malformed Intersoc-Node credentials' });
  const key = o.peerKey(f.id);
  if (!key) return fail({ status: 401, reason: `${f.id} is not an active peer` });
  if (f.to !== o.me) return fail({ status: 401, reason: 'request addressed to another node' });
  const now = (o.now ?? Date.now)();
  if (Math.abs(now / 1000 - f.ts) > o.skewSeconds)
    return fail({ status: 401, reason: 'request expired or clock skew' });
  if (!verifyBytes(key, requestText(r.method, r.target, f), f.sig))
    return fail({ status: 401, reason: 'bad request signature' });
  // Counted after the signature holds, so nobody can spend a peer's allowance in its name.
  if (o.admit && !o.admit(f.id)) return fail({ status: 429, reason: 'too many requests' });
  // The nonce is spent only once the signature holds, so forged requests cannot burn real nonces.
  if (!o.useNonce(f.id, f.nonce, (f.ts + o.skewSeconds) * 1000 + 1000))
    return fail({ status: 401, reason: 'replayed request' });
  return ok(f);
}

/** True when the body read matches the digest the request signed. */
export function bodyMatches(authorization: string | undefined, raw: string | Uint8Array): boolean {
  const f = parseAuthHeader(authorization);
  return f !== undefined && f.digest === bodyDigest(raw);
}

/** The response signature header value. */
export function signResponse(
  key: KeyObject,
  id: string,
  status: number,
  nonce: string,
  body: Uint8Array | string,
): string {
  const text = [RESPONSE_CONTEXT, String(status), nonce, bodyDigest(body)].join('\n');
  return `id="${id}", sig="${signBytes(key, text)}"`;
}

/** Checks a response signature against the peer's pinned key. */
export function verifyResponse(
  publicKey: string,
  expectedId: string,
  r: { status: number; nonce: string; body: Uint8Array | string; header: string | null },
): boolean {
  const m = /^id="([0-9a-f]{32})", sig="([A-Za-z0-9_-]+)"$/.exec(r.header ?? '');
  if (!m || m[1] !== expectedId) return false;
  return verifyBytes(
    publicKey,
    [RESPONSE_CONTEXT, String(r.status), r.nonce, bodyDigest(r.body)].join('\n'),
    m[2] as string,
  );
}

/** A per-peer token bucket: `perMinute` requests, bursting up to a minute's worth. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  admit(key: string, cost = 1): boolean {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.perMinute, at: t };
    b.tokens = Math.min(this.perMinute, b.tokens + ((t - b.at) / 60_000) * this.perMinute);
    b.at = t;
    if (b.tokens < cost) {
      this.buckets.set(key, b);
      return false;
    }
    b.tokens -= cost;
    this.buckets.set(key, b);
    return true;
  }
}
