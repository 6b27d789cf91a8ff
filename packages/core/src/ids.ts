/**
 * @module
 * Deterministic ids. Re-ingesting the same record from the same source yields the same id,
 * so retries and replays are idempotent.
 */
import { createHash, hash } from 'node:crypto';

/**
 * Id of an event: 128 bits of SHA-256 over tenant, source key and the record, as 32 hex chars.
 * `sourceKey` identifies the stream and the record's position in it where that is stable
 * (file path and byte offset); for network sources it is the listener and peer.
 */
export function eventId(tenant: string, sourceKey: string, record: string | Uint8Array): string {
  if (typeof record === 'string') {
    // One-shot hashing of a joined string beats incremental updates for short records.
    return hash('sha256', `${tenant}\0${sourceKey}\0${record}`, 'hex').slice(0, 32);
  }
  // The record's UTF-8 bytes give the same id as its text, without encoding the text again.
  return createHash('sha256').update(`${tenant}\0${sourceKey}\0`).update(record).digest('hex').slice(0, 32);
}

/** Id over any list of parts, 32 hex chars. Parts are separated so ('ab','c') != ('a','bc'). */
export function stableId(...parts: readonly string[]): string {
  // One-shot hashing of the joined parts: the same bytes as one update per part, without a Hash object.
  let text = '';
  for (const p of parts) text += `${p}\0`;
  return hash('sha256', text, 'hex').slice(0, 32);
}

/** A random opaque id (tokens, sessions), 32 hex chars. */
export function randomId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}
