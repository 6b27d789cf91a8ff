/**
 * @module
 * Deterministic STIX ids: a UUID in version-4 form (as STIX asks of SDOs and SROs) drawn from
 * SHA-256 of the parts instead of a random source, so the same
 * technique, actor or report gets the same id in every bundle and the CTI store keeps it once.
 */
import { createHash } from 'node:crypto';

/** `<type>--<uuid>` from the parts. */
export function stixId(type: string, ...parts: readonly string[]): string {
  const h = createHash('sha256')
    .update(`${type}\0${parts.join('\0')}`)
    .digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x40;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${type}--${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
