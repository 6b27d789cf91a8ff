/**
 * @module
 * Message bodies on the wire: UTF-8 JSON. The in-process bus passes objects by reference; on
 * NATS they must survive a trip through bytes, so a message must be JSON-serialisable (no
 * `Date`, `Map`, `bigint` or binary: dates travel as ISO strings). A binary codec for compact
 * event batches can come later behind the same two functions.
 */

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
