/**
 * @module
 * Secret handling for the identity stores: random bearer secrets stored as SHA-256, scrypt
 * password hashes with a per-user salt, and constant-time comparison. Private to `auth/`.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** 256 random bits, base64url, after a short prefix that says what the secret is (`ist_` token, `iss_` session). */
export function newSecret(prefix: 'ist_' | 'iss_'): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** SHA-256 of a bearer secret: enough for 256-bit random input, and cheap enough to check on every request. */
export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Constant-time equality of two byte strings (false, without early exit, when lengths differ). */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) {
    // Still compare something of the same length so the time does not depend on where they differ.
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** scrypt cost: N=2^15, r=8, p=1 (32 MiB, tens of ms), the OWASP minimum for scrypt. */
const SCRYPT = { N: 1 << 15, r: 8, p: 1, keylen: 32 } as const;

function scryptAsync(password: string, salt: Buffer, N: number, r: number, p: number, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem must exceed 128*N*r bytes; leave headroom so stored hashes with a higher cost still verify.
    scrypt(password.normalize('NFC'), salt, keylen, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

/**
 * Hashes a password as `scrypt$N$r$p$salt$hash` (base64url), so the cost can be raised later
 * without invalidating stored hashes.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.keylen);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** A well-formed hash of a random password, verified against when the user does not exist. */
let decoy: Promise<string> | undefined;
function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(24).toString('base64url'));
  return decoy;
}

/**
 * Verifies a password against a stored hash in constant time. With `stored` undefined it checks
 * against a decoy, so an unknown user costs the same as a wrong password.
 */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const real = stored !== undefined;
  const parts = (stored ?? (await decoyHash())).split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltText, keyText] = parts as [string, string, string, string, string, string];
  const N = Number(n);
  const R = Number(r);
  const P = Number(p);
  if (![N, R, P].every((v) => Number.isSafeInteger(v) && v > 0) || N > 1 << 20 || R > 32 || P > 16) return false;
  const expected = Buffer.from(keyText, 'base64url');
  if (expected.length < 16) return false;
  const key = await scryptAsync(password, Buffer.from(saltText, 'base64url'), N, R, P, expected.length);
  return constantTimeEqual(key, expected) && real;
}
