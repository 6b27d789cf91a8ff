/**
 * @module
 * JSON pointers (RFC 6901) for the paths of validation issues.
 */

/** Escapes a JSON-pointer segment. */
export function escapePointer(s: string): string {
  return s.replaceAll('~', '~0').replaceAll('/', '~1');
}
