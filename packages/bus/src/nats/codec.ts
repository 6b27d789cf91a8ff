/**
 * @module
 * Message bodies on the wire: UTF-8 JSON. The in-process bus passes objects by reference; on
 * NATS they must survive a trip through bytes, so a message must be JSON-serialisable (no
 * `Date`, `Map`, `bigint`: dates travel as ISO strings). A `Uint8Array` message travels as its
 * bytes, unchanged, marked by the `Intersoc-Codec: bin` header (compact event batches: no JSON
 * in the middle), and is handed to the subscriber as a `Uint8Array`.
 */
import { headers, type MsgHdrs } from '@nats-io/transport-node';

/** Header that marks a message whose body is raw bytes, not JSON. */
export const CODEC_HEADER = 'Intersoc-Codec';

/** Headers for a binary message. */
export function binaryHeaders(): MsgHdrs {
  const h = headers();
  h.set(CODEC_HEADER, 'bin');
  return h;
}

/** True when a received message carries raw bytes (see `binaryHeaders`). */
export function isBinary(h: MsgHdrs | undefined): boolean {
  return h?.get(CODEC_HEADER) === 'bin';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes a message as JSON bytes; throws a `TypeError` on what JSON cannot carry. */
export function encodeMessage(message: unknown): Uint8Array {
  const text = JSON.stringify(message);
  // JSON.stringify returns undefined for undefined, functions and symbols: refuse rather than send nothing.
  if (text === undefined) throw new TypeError(`bus message is not JSON-serialisable (${typeof message})`);
  return encoder.encode(text);
}

/** Decodes JSON bytes back to the message. */
export function decodeMessage(data: Uint8Array): unknown {
  return JSON.parse(decoder.decode(data)) as unknown;
}
