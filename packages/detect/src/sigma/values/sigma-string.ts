/**
 * @module
 * Sigma string values: literal text with `*` and `?` wildcards, parsed with the specification's
 * escape rules. A backslash escapes only `*`, `?` and another backslash; before any other
 * character it is a plain backslash, so Windows paths need no doubling.
 */

/** Wildcard tokens inside a Sigma string. */
export const STAR = 0;
/** Single-character wildcard. */
export const ONE = 1;

/** A piece of a Sigma string: literal text, or one of the wildcard tokens {@link STAR} / {@link ONE}. */
export type StringPart = string | typeof STAR | typeof ONE;

/**
 * A parsed Sigma string. `bytes` is true after an encoding modifier (wide, utf16...) turned the
 * text into one character per byte, which the base64 modifiers then encode as latin1.
 */
export interface SigmaString {
  readonly parts: readonly StringPart[];
  readonly bytes: boolean;
}

/** Parses raw rule text into parts; adjacent literal text is merged. */
export function parseSigmaString(raw: string): SigmaString {
  const parts: StringPart[] = [];
  let lit = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c === '\\') {
      const next = raw[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        lit += next;
        i++;
      } else {
        lit += '\\';
      }
    } else if (c === '*' || c === '?') {
      if (lit) parts.push(lit);
      lit = '';
      parts.push(c === '*' ? STAR : ONE);
    } else {
      lit += c;
    }
  }
  if (lit) parts.push(lit);
  return { parts: mergeParts(parts), bytes: false };
}

/** A Sigma string holding only the literal `text` (no wildcards). */
export function plainString(text: string, bytes = false): SigmaString {
  return { parts: text ? [text] : [], bytes };
}

/** Merges adjacent literals and collapses runs of `*`. */
export function mergeParts(parts: readonly StringPart[]): StringPart[] {
  const out: StringPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (typeof p === 'string') {
      if (p === '') continue;
      if (typeof last === 'string') out[out.length - 1] = last + p;
      else out.push(p);
    } else if (p === STAR && last === STAR) {
      continue;
    } else {
      out.push(p);
    }
  }
  return out;
}

/** True when the string contains a wildcard. */
export function hasWildcards(s: SigmaString): boolean {
  return s.parts.some((p) => typeof p !== 'string');
}

/** The literal text of a string without wildcards; undefined when it has any. */
export function plainText(s: SigmaString): string | undefined {
  if (hasWildcards(s)) return undefined;
  return s.parts.join('');
}

/** Renders a string back to Sigma notation (wildcards as `*`/`?`, literal ones escaped). */
export function formatSigmaString(s: SigmaString): string {
  return s.parts.map((p) => (p === STAR ? '*' : p === ONE ? '?' : p.replace(/[\\*?]/g, (m) => `\\${m}`))).join('');
}

/** Adds a leading `*` unless present. */
export function withLeadingStar(s: SigmaString): SigmaString {
  return s.parts[0] === STAR ? s : { parts: mergeParts([STAR, ...s.parts]), bytes: s.bytes };
}

/** Adds a trailing `*` unless present. */
export function withTrailingStar(s: SigmaString): SigmaString {
  return s.parts[s.parts.length - 1] === STAR ? s : { parts: mergeParts([...s.parts, STAR]), bytes: s.bytes };
}

/** Applies `fn` to every literal part. */
export function mapLiterals(s: SigmaString, fn: (text: string) => string, bytes = s.bytes): SigmaString {
  return { parts: mergeParts(s.parts.map((p) => (typeof p === 'string' ? fn(p) : p))), bytes };
}
