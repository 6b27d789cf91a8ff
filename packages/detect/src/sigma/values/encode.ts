/**
 * @module
 * The transformation modifiers that re-encode a value: base64, base64offset, the UTF-16 family
 * and windash. They work on wildcard-free literals (base64) or literal parts (the others) and
 * return one or several alternatives.
 */
import { fail, ok, type Result } from '@intersoc/core';
import { mergeParts, plainText, type SigmaString, type StringPart } from './sigma-string.js';

/** UTF-16 encodings; each output character is one byte (latin1). */
export type Utf16Kind = 'utf16le' | 'utf16be' | 'utf16';

/** Encodes every literal part as UTF-16 bytes (the BOM of `utf16` goes in front of the value). */
export function encodeUtf16(s: SigmaString, kind: Utf16Kind): SigmaString {
  const enc = (text: string): string => {
    const buf = Buffer.from(text, 'utf16le');
    if (kind === 'utf16be') buf.swap16();
    return buf.toString('latin1');
  };
  const parts: StringPart[] = s.parts.map((p) => (typeof p === 'string' ? enc(p) : p));
  if (kind === 'utf16') parts.unshift('\xff\xfe');
  return { parts: mergeParts(parts), bytes: true };
}

function toBytes(s: SigmaString): Result<Buffer> {
  const text = plainText(s);
  if (text === undefined) return fail('base64 encoding of a value with wildcards is not allowed');
  return ok(Buffer.from(text, s.bytes ? 'latin1' : 'utf8'));
}

/** The `base64` modifier: the whole value, encoded. */
export function encodeBase64(s: SigmaString): Result<string> {
  const bytes = toBytes(s);
  if (!bytes.ok) return bytes;
  return ok(bytes.value.toString('base64'));
}

/**
 * The `base64offset` modifier: the three encodings of the value at byte offsets 0, 1 and 2 of a
 * longer base64 stream, with the characters that depend on neighbouring bytes cut off.
 */
export function encodeBase64Offset(s: SigmaString): Result<string[]> {
  const bytes = toBytes(s);
  if (!bytes.ok) return bytes;
  const data = bytes.value;
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const padded = Buffer.concat([Buffer.alloc(shift, 0x20), data]);
    const enc = padded.toString('base64');
    // Leading characters that encode the padding bytes, trailing ones that depend on what follows.
    const start = [0, 2, 3][shift] as number;
    const rem = (data.length + shift) % 3;
    const end = rem === 0 ? enc.length : enc.length - (rem === 1 ? 3 : 2);
    out.push(enc.slice(start, end));
  }
  return ok(out);
}

/** The characters `windash` substitutes for each other. */
export const WINDASH_CHARS: readonly string[] = ['-', '/', '\u2013', '\u2014', '\u2015'];

const MAX_WINDASH_VARIANTS = 3125;

/**
 * The `windash` modifier: every `-` or `/` that starts a command-line flag (preceded by a
 * non-word character or the start of a literal, followed by a word character) becomes each of
 * the five dash characters. Returns all combinations, bounded to keep rule size sane.
 */
export function expandWindash(s: SigmaString): Result<SigmaString[]> {
  let variants: StringPart[][] = [[]];
  for (const p of s.parts) {
    const alternatives = typeof p === 'string' ? windashLiteral(p) : [p];
    if (variants.length * alternatives.length > MAX_WINDASH_VARIANTS) {
      return fail(`windash expands to more than ${MAX_WINDASH_VARIANTS} values`);
    }
    variants = variants.flatMap((v) => alternatives.map((a) => [...v, a]));
  }
  return ok(variants.map((parts) => ({ parts: mergeParts(parts), bytes: s.bytes })));
}

const WORD = /\w/;

function windashLiteral(text: string): string[] {
  let out = [''];
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const prev = i === 0 ? '' : (text[i - 1] as string);
    const next = text[i + 1] ?? '';
    const flag = (c === '-' || c === '/') && !WORD.test(prev) && WORD.test(next);
    if (!flag) {
      out = out.map((o) => o + c);
    } else {
      out = out.flatMap((o) => WINDASH_CHARS.map((d) => o + d));
      if (out.length > MAX_WINDASH_VARIANTS) return out;
    }
  }
  return out;
}
