/**
 * @module
 * Tokenisation shared by full-text matching and the block term index: lower-case runs of letters,
 * digits and underscore. Both sides must tokenise identically for index pruning to be sound.
 */

const TOKEN = /[\p{L}\p{N}_]+/gu;
/** Tokens longer than this are not indexed (base64 blobs); matching still works on them. */
export const MAX_TOKEN = 64;

/** Adds the lower-cased tokens of `text` to `out`. */
export function addTokens(text: string, out: Set<string>): void {
  for (const m of text.toLowerCase().matchAll(TOKEN)) {
    if (m[0].length <= MAX_TOKEN) out.add(m[0]);
  }
}

/** The lower-cased tokens of `text`, in order. */
export function tokensOf(text: string): string[] {
  return Array.from(text.toLowerCase().matchAll(TOKEN), (m) => m[0]);
}

/** True when every character of `s` is a token character. */
export function isToken(s: string): boolean {
  return /^[\p{L}\p{N}_]+$/u.test(s);
}

/**
 * Index terms implied by a literal or wildcard pattern that must match a whole field value:
 * complete tokens (bounded by separators or the value's edges) as exact terms, and a token
 * running into a trailing `*` as a prefix term. Tokens touching other wildcards say nothing.
 */
export function requiredTerms(pattern: string, anchored: boolean): { exact: string[]; prefix: string[] } {
  const exact: string[] = [];
  const prefix: string[] = [];
  const lower = pattern.toLowerCase();
  const re = /[\p{L}\p{N}_]+/gu;
  for (const m of lower.matchAll(re)) {
    const start = m.index;
    const end = start + m[0].length;
    const before =
      start === 0
        ? anchored
          ? 'edge'
          : 'open'
        : lower[start - 1] === '*' || lower[start - 1] === '?'
          ? 'wild'
          : 'sep';
    const afterCh = lower[end];
    const after =
      end === lower.length ? (anchored ? 'edge' : 'open') : afterCh === '*' ? 'star' : afterCh === '?' ? 'wild' : 'sep';
    if (m[0].length > MAX_TOKEN) continue;
    const leftOk = before === 'edge' || before === 'sep';
    if (leftOk && (after === 'edge' || after === 'sep')) exact.push(m[0]);
    else if (leftOk && after === 'star') prefix.push(m[0]);
  }
  return { exact, prefix };
}
