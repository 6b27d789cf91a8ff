/**
 * @module
 * Turns bytes into text: UTF-8 (with or without BOM) or UTF-16 with a BOM; bytes that are not
 * valid UTF-8 are read as Windows-1252 with a warning. Binary content is refused.
 */
import { AppError } from '@intersoc/core';

/** Decoded text and what was odd about it. */
export interface Decoded {
  readonly text: string;
  readonly warning?: string;
}

/** Decodes report bytes; throws `PARSE` for binary content. */
export function decodeText(bytes: Uint8Array, what = 'the file'): Decoded {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)) };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)) };
  // Text has no NUL bytes and few control characters; a sample tells binary content apart.
  const sample = bytes.subarray(0, 65_536);
  let control = 0;
  for (const b of sample) if (b === 0 || (b < 9 && b !== 0) || (b > 13 && b < 32 && b !== 27)) control++;
  if (sample.length > 0 && control / sample.length > 0.01)
    throw new AppError('PARSE', `${what} is binary, not text (${control} control bytes in the first ${sample.length})`);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes) };
  } catch {
    return {
      text: new TextDecoder('windows-1252').decode(bytes),
      warning: `${what} is not valid UTF-8; read as Windows-1252`,
    };
  }
}
