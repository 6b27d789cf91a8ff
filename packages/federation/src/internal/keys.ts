/**
 * @module
 * Ed25519 with `node:crypto`: raw 32-byte public keys (what peers exchange) to key objects,
 * signing and verification. Key objects are cached, because importing one costs more than a
 * verification.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { b64u, fromB64u } from './bytes.js';

const cache = new Map<string, KeyObject>();

/** A public key object from its raw form (base64url); undefined when it is not an Ed25519 key. */
export function publicKeyOf(raw: string): KeyObject | undefined {
  const hit = cache.get(raw);
  if (hit) return hit;
  const bytes = fromB64u(raw);
  if (!bytes || bytes.length !== 32) return undefined;
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64u(bytes) }, format: 'jwk' });
    if (cache.size > 10_000) cache.clear();
    cache.set(raw, key);
    return key;
  } catch {
    return undefined;
  }
}

/** The raw public key (base64url) of a key object. */
export function rawPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return jwk.x;
}

/** A fresh key pair: the private key as PKCS#8 PEM and the raw public key. */
export function generateKeyPair(): { privatePem: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKey: rawPublicKey(publicKey),
  };
}

/** A private key object from PKCS#8 PEM. */
export function privateKeyOf(pem: string): KeyObject {
  return createPrivateKey(pem);
}

/** Ed25519 signature (base64url). */
export function signBytes(key: KeyObject, data: Uint8Array | string): string {
  return b64u(sign(null, typeof data === 'string' ? Buffer.from(data) : data, key));
}

/** Verifies an Ed25519 signature (base64url); false for malformed input. */
export function verifyBytes(publicKey: string, data: Uint8Array | string, signature: string): boolean {
  const key = publicKeyOf(publicKey);
  const sig = fromB64u(signature);
  if (!key || !sig || sig.length !== 64) return false;
  try {
    return verify(null, typeof data === 'string' ? Buffer.from(data) : data, key, sig);
  } catch {
    return false;
  }
}
