/**
 * @module
 * Regular expressions from rules are untrusted input. They run on RE2JS, a linear-time
 * automaton engine: no pattern can backtrack, whatever the event text. PCRE spellings that
 * RE2 lacks are translated (`\Z`); constructs that need backtracking (look-around,
 * back-references, possessive or atomic groups) are rejected with a reason. Sizes are bounded
 * so a rule cannot blow up memory at compile time either.
 */
import { RE2JS } from 're2js';
import { fail, ok, type Result } from '@intersoc/core';

/** The `re` sub-modifiers. */
export interface RegexFlags {
  readonly i: boolean;
  readonly m: boolean;
  readonly s: boolean;
}

/** A compiled rule regex. */
export interface SafeRegex {
  readonly source: string;
  /** Unanchored search, as Sigma tools evaluate `|re`. */
  test(text: string): boolean;
}

/** Longest pattern accepted, in characters. */
export const MAX_REGEX_LENGTH = 8192;
/** Largest compiled program accepted (RE2 instructions). */
export const MAX_REGEX_PROGRAM = 20_000;

const UNSUPPORTED: readonly [RegExp, string][] = [
  [/\(\?<?[=!]/, 'look-around assertions'],
  [/\(\?>/, 'atomic groups'],
  [/(^|[^\\])(\\\\)*\\[1-9]/, 'back-references'],
  [/\\k</, 'named back-references'],
  [/[*+?}][+]/, 'possessive quantifiers'],
  [/\(\?[a-zA-Z]*x/, 'the extended (x) flag'],
];

/** Rewrites PCRE spellings RE2 does not accept into equivalents. */
export function translatePcre(pattern: string): string {
  // \Z (end or before a final newline) has no RE2 spelling; \z plus an optional newline is it.
  return pattern.replace(/(^|[^\\])((?:\\\\)*)\\Z/g, '$1$2\\n?\\z');
}

/** Compiles a rule regex with the given flags. */
export function compileSafeRegex(pattern: string, flags: RegexFlags): Result<SafeRegex> {
  if (pattern.length > MAX_REGEX_LENGTH) return fail(`regular expression longer than ${MAX_REGEX_LENGTH} characters`);
  for (const [re, what] of UNSUPPORTED) {
    if (re.test(pattern)) return fail(`regular expression uses ${what}, which has no linear-time guarantee`);
  }
  const translated = translatePcre(pattern);
  let f = 0;
  if (flags.i) f |= RE2JS.CASE_INSENSITIVE;
  if (flags.m) f |= RE2JS.MULTILINE;
  if (flags.s) f |= RE2JS.DOTALL;
  try {
    const re = RE2JS.compile(translated, f);
    if (re.programSize() > MAX_REGEX_PROGRAM) return fail('regular expression compiles to an oversized program');
    return ok({ source: pattern, test: (text: string) => re.test(text) });
  } catch (err) {
    return fail(`invalid regular expression "${pattern}": ${(err as Error).message}`);
  }
}

/**
 * Literals of which at least one must occur (case-folded) in any text the regex matches, for the
 * cross-rule prefilter; undefined when no such set can be proven. Conservative: only plain ASCII
 * characters outside groups, classes and optional quantifiers count.
 */
export function requiredRegexLiterals(pattern: string, minLength = 3): string[] | undefined {
  const branches = splitTopLevel(pattern);
  if (!branches) return undefined;
  const out: string[] = [];
  for (const b of branches) {
    const lit = longestRun(b);
    if (lit === undefined || lit.length < minLength) return undefined;
    out.push(lit.toLowerCase());
  }
  return out;
}

function splitTopLevel(p: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (p[i + 1] === '^') i++;
      if (p[i + 1] === ']') i++;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(p.slice(start, i));
      start = i + 1;
    }
    if (depth < 0) return undefined;
  }
  if (depth !== 0 || inClass) return undefined;
  out.push(p.slice(start));
  return out;
}

const LITERAL_ESCAPES = new Set([
  '.',
  '\\',
  '/',
  '-',
  '*',
  '+',
  '?',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '|',
  '^',
  '$',
  ' ',
  '"',
  "'",
  ':',
  '%',
  '&',
  '#',
  '=',
  ',',
  '<',
  '>',
  '!',
  '@',
  '~',
  '`',
  ';',
]);

/** Longest run of mandatory literal characters in one branch. */
function longestRun(b: string): string | undefined {
  let best = '';
  let run = '';
  const flush = (): void => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < b.length; i++) {
    const c = b[i] as string;
    let lit: string | undefined;
    if (c === '\\') {
      const n = b[i + 1];
      if (n === undefined) return undefined;
      i++;
      if (LITERAL_ESCAPES.has(n)) lit = n;
    } else if (c === '[') {
      const end = classEnd(b, i);
      if (end < 0) return undefined;
      i = end;
    } else if (c === '(') {
      const end = groupEnd(b, i);
      if (end < 0) return undefined;
      i = end;
    } else if (!'.^$*+?{}|)'.includes(c)) {
      lit = c;
    }
    const q = b[i + 1];
    if (lit !== undefined && lit.charCodeAt(0) < 128) {
      if (q === '*' || q === '?' || (q === '{' && /^\{0[,}]/.test(b.slice(i + 1)))) {
        flush();
      } else if (q === '+' || q === '{') {
        run += lit;
        flush();
      } else {
        run += lit;
      }
    } else {
      flush();
    }
    if (q === '*' || q === '+' || q === '?') {
      i++;
      if (b[i + 1] === '?') i++;
    } else if (q === '{') {
      const close = b.indexOf('}', i + 1);
      if (close > 0 && /^\{\d*(,\d*)?\}$/.test(b.slice(i + 1, close + 1))) i = close;
    }
  }
  flush();
  return best;
}

function classEnd(b: string, i: number): number {
  let j = i + 1;
  if (b[j] === '^') j++;
  if (b[j] === ']') j++;
  for (; j < b.length; j++) {
    if (b[j] === '\\') j++;
    else if (b[j] === ']') return j;
  }
  return -1;
}

function groupEnd(b: string, i: number): number {
  let depth = 0;
  for (let j = i; j < b.length; j++) {
    const c = b[j];
    if (c === '\\') j++;
    else if (c === '[') {
      j = classEnd(b, j);
      if (j < 0) return -1;
    } else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return j;
    }
  }
  return -1;
}
