/**
 * @module
 * JWS (RFC 7515) with EdDSA over Ed25519 (RFC 8037), compact serialisation with a detached
 * payload (RFC 7515 appendix F): `header..signature`. The payload is the RFC 8785 canonical JSON
 * of what is signed, so any two implementations that canonicalise alike verify alike.
 */
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import canonicalizeModule from 'canonicalize';
import { AppError, fail, ok, type Result } from '@intersoc/core';

// `canonicalize` is CommonJS with a default export typed for ESM consumers.
const canonicalizeFn = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/** RFC 8785 canonical JSON of a value (throws VALIDATION for values JSON cannot hold). */
export function canonicalJson(value: unknown): string {
  const s = canonicalizeFn(value);
  if (s === undefined) throw new AppError('VALIDATION', 'value has no canonical JSON form');
  return s;
}

const b64u = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/** The protected header of our signatures. */
export interface JwsHeader {
  readonly alg: 'EdDSA';
  /** The signer's key id: the node id (fingerprint of its public key). */
  readonly kid: string;
  readonly typ?: string;
  readonly [other: string]: unknown;
}

/** Signs `payload` (already canonical bytes) and returns the detached compact JWS. */
export function signDetached(payload: string, header: JwsHeader, privateKey: KeyObject): string {
  const h = b64u(JSON.stringify(header));
  const input = `${h}.${b64u(payload)}`;
  return `${h}..${sign(null, Buffer.from(input, 'ascii'), privateKey).toString('base64url')}`;
}

/** Reads the protected header of a detached compact JWS. */
export function jwsHeader(jws: string): Result<JwsHeader> {
  const parts = jws.split('.');
  if (parts.length !== 3 || parts[1] !== '') return fail('not a detached compact JWS (header..signature)');
  try {
    const h = JSON.parse(Buffer.from(parts[0] as string, 'base64url').toString('utf8')) as unknown;
    if (!h || typeof h !== 'object' || Array.isArray(h)) return fail('JWS header is not an object');
    const header = h as Record<string, unknown>;
    if (header['alg'] !== 'EdDSA') return fail(`JWS algorithm ${String(header['alg'])} is not EdDSA`);
    if (typeof header['kid'] !== 'string') return fail('JWS header names no key (kid)');
    if (Array.isArray(header['crit']) && header['crit'].length > 0) return fail('JWS header has critical extensions');
    return ok(header as JwsHeader);
  } catch {
    return fail('JWS header is not base64url JSON');
  }
}

/** Public key object of a raw Ed25519 key (base64url). */
export function ed25519PublicKey(raw: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw }, format: 'jwk' });
}

/** True when `jws` is a valid detached signature of `payload` by `publicKey`. */
export function verifyDetached(jws: string, payload: string, publicKey: KeyObject): boolean {
  const parts = jws.split('.');
  if (parts.length !== 3 || parts[1] !== '') return false;
  const input = `${parts[0] as string}.${b64u(payload)}`;
  try {
    return verify(null, Buffer.from(input, 'ascii'), publicKey, Buffer.from(parts[2] as string, 'base64url'));
  } catch {
    return false;
  }
}
