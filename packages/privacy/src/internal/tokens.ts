/**
 * @module
 * The search language's notion of a token (letters, digits, `_`), as the event store uses it.
 */

/** True when every character of `s` is a token character. */
export function isToken(s: string): boolean {
  return /^[\p{L}\p{N}_]+$/u.test(s);
}
