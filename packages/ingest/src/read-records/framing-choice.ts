/**
 * @module
 * Which framer a text stream gets. `json` plug-ins take the JSON value framer, except when the
 * stream is NDJSON (its first line is a complete JSON value): then the line framer, which finds
 * records with memchr-speed `indexOf` instead of tracking JSON structure byte by byte.
 */
import type { Framing } from '@intersoc/core';

/** `line` or `json` framing for a stream starting with `head`. */
export function chooseFramer(framing: Framing, head: Uint8Array): 'line' | 'json' {
  if (framing !== 'json') return 'line';
  const buf = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  let start = 0;
  // Skip a byte-order mark and blank lines.
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
  while (start < buf.length && (buf[start] === 10 || buf[start] === 13 || buf[start] === 32 || buf[start] === 9))
    start++;
  const nl = buf.indexOf(10, start);
  const first = buf.toString('utf8', start, nl < 0 ? buf.length : nl).trim();
  if (!first.startsWith('{')) return 'json';
  try {
    JSON.parse(first);
    return 'line';
  } catch {
    return 'json';
  }
}
