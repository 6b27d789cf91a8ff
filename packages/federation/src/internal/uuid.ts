/**
 * @module
 * Deterministic UUIDs (RFC 9562 version 5, SHA-1 name-based) for ids derived from node ids.
 */
import { hash } from 'node:crypto';

/** Federation namespace for name-based UUIDs. */
export const FEDERATION_NAMESPACE = '0b6f4c1e-5a7d-5d2c-9c1f-3e8a2b4d6f10';

/** UUIDv5 of `name` in `namespace`. */
export function uuidv5(name: string, namespace = FEDERATION_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = hash('sha1', Buffer.concat([ns, Buffer.from(name, 'utf8')]), 'buffer');
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
