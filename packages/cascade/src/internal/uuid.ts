/**
 * @module
 * UUIDv5 (RFC 9562) for deterministic STIX ids: the same entity of the same graph always gets
 * the same `infrastructure--` id, so re-exports and re-shares are versions, not duplicates.
 */
import { createHash } from 'node:crypto';

/** The namespace of INTERSOC cascade objects. */
export const CASCADE_NAMESPACE = '3c1d5a0e-7f1b-5c7e-9a51-2f1e0c0a5ca5';

/** A UUIDv5 of `name` in `namespace`. */
export function uuidv5(name: string, namespace = CASCADE_NAMESPACE): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
