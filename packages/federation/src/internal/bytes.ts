/**
 * @module
 * Byte helpers shared by the federation modules: base64url, hex, SHA-256, constant-time compare.
 */
import { hash, timingSafeEqual } from 'node:crypto';

/** base64url without padding. */
export function b64u(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * Decodes base64url. Callers check the decoded length: Node skips characters outside the
 * alphabet, so a wrong length is how malformed input shows.
 */
export function fromB64u(text: string): Buffer | undefined {
  return typeof text === 'string' ? Buffer.from(text, 'base64url') : undefined;
}

/** SHA-256 of text (UTF-8) or bytes. */
export function sha256(data: string | Uint8Array): Buffer {
  return hash('sha256', data, 'buffer');
}

/** SHA-256 as lower-case hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

/** Constant-time equality of two byte strings (false when lengths differ). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
