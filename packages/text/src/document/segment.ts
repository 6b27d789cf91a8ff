/**
 * @module
 * Sentence segmentation for threat reports. Splits after `.`, `!` or `?` followed by white space
 * and a capital, digit, quote or bracket, but not after common abbreviations (`e.g.`, `Fig.`,
 * `Inc.`) or single initials, so that dotted indicators (`evil[.]com`, `10.0.0.1`, `v2.3`) are
 * never cut: they hold no white space after their dots. Line breaks inside a paragraph that end
 * a list item or a heading also end a sentence.
 */

const ABBREVIATIONS = new Set(
  [
    'e.g',
    'i.e',
    'etc',
    'vs',
    'fig',
    'figs',
    'no',
    'nos',
    'inc',
    'ltd',
    'corp',
    'co',
    'mr',
    'mrs',
    'ms',
    'dr',
    'prof',
    'st',
    'jan',
    'feb',
    'mar',
    'apr',
    'jun',
    'jul',
    'aug',
    'sep',
    'sept',
    'oct',
    'nov',
    'dec',
    'approx',
    'cf',
    'al',
    'ver',
    'vol',
    'sec',
    'ref',
    'u.s',
    'u.k',
  ].map((s) => s.toLowerCase()),
);

/** Longest sentence kept whole; longer runs are cut at white space (tables flattened to text). */
export const MAX_SENTENCE_CHARS = 2_000;

function wordBefore(text: string, end: number, from: number): string {
  let i = end;
  while (i > from && !/\s|\(|\[/.test(text[i - 1] as string)) i--;
  return text.slice(i, end).toLowerCase();
}

/** Sentence spans `[start, end)` of `text[from, to)`, trimmed of white space. */
export function splitSentences(text: string, from = 0, to = text.length): [number, number][] {
  const out: [number, number][] = [];
  let start = from;
  const push = (s: number, e: number): void => {
    while (s < e && /\s/.test(text[s] as string)) s++;
    while (e > s && /\s/.test(text[e - 1] as string)) e--;
    if (e <= s) return;
    // Cut over-long runs (flattened tables, lists of hashes) at white space.
    while (e - s > MAX_SENTENCE_CHARS) {
      let cut = text.lastIndexOf(' ', s + MAX_SENTENCE_CHARS);
      if (cut <= s) cut = s + MAX_SENTENCE_CHARS;
      out.push([s, cut]);
      s = cut;
      while (s < e && /\s/.test(text[s] as string)) s++;
    }
    if (e > s) out.push([s, e]);
  };
  for (let i = from; i < to; i++) {
    const c = text[i] as string;
    if (c === '\n') {
      // A line break ends a sentence when the line looks finished or the next one starts a list item.
      const lineStart = Math.max(start, text.lastIndexOf('\n', i - 1) + 1);
      const line = text.slice(lineStart, i).trimEnd();
      const next = text.slice(i + 1, Math.min(to, i + 4));
      // A hard-wrapped paragraph (e-mail, plain text) keeps its sentences across lines.
      if (/[.:;!?]$/.test(line) || /^\s*([-*•‣◦|#>]|\d+[.)])\s/.test(next) || /^\s*[A-Z0-9"'“‘(\[]/.test(next)) {
        push(start, i);
        start = i + 1;
      }
      continue;
    }
    if (c !== '.' && c !== '!' && c !== '?') continue;
    const after = text[i + 1];
    if (after === undefined || i + 1 >= to) continue;
    if (!/\s/.test(after)) continue;
    // The next non-space character must open a sentence.
    let j = i + 1;
    while (j < to && /[ \t]/.test(text[j] as string)) j++;
    const n = text[j];
    if (n === undefined || j >= to || !/[A-Z0-9"'“‘([]/.test(n)) continue;
    if (c === '.') {
      const w = wordBefore(text, i, start);
      if (ABBREVIATIONS.has(w) || /^[a-z]$/i.test(w)) continue;
    }
    push(start, i + 1);
    start = i + 1;
  }
  push(start, to);
  return out;
}
