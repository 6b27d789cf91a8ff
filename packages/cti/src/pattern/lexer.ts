/**
 * @module
 * Tokeniser of the STIX patterning grammar. It follows the OASIS ANTLR lexer: longest match,
 * case-sensitive keywords, and literal prefixes (`h'`, `b'`, `t'`) that fall back to a plain
 * identifier when the literal is malformed, so the parser reports "extraneous input 't'" just
 * as the reference validator does.
 */
import type { PatternVersion } from './ast.js';

/** Token kinds. */
export type TokenKind =
  | 'IntPos'
  | 'IntNeg'
  | 'FloatPos'
  | 'FloatNeg'
  | 'Hex'
  | 'Binary'
  | 'String'
  | 'Bool'
  | 'Timestamp'
  | 'Keyword'
  | 'IdentNoHyphen'
  | 'IdentHyphen'
  | 'Op'
  | 'Punct'
  | 'Invalid'
  | 'EOF';

/** One token. `text` is the source text; `value` the decoded content of string-like literals. */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly value: string;
  readonly line: number;
  readonly column: number;
}

const KEYWORDS_21 = new Set([
  'AND',
  'OR',
  'NOT',
  'FOLLOWEDBY',
  'LIKE',
  'MATCHES',
  'ISSUPERSET',
  'ISSUBSET',
  'EXISTS',
  'LAST',
  'IN',
  'START',
  'STOP',
  'SECONDS',
  'WITHIN',
  'REPEATS',
  'TIMES',
]);
const KEYWORDS_20 = new Set([...KEYWORDS_21].filter((k) => k !== 'EXISTS'));

const WS = /[ \t\r\n\u000B\u000C\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const HEX_BODY = /^(?:[0-9A-Fa-f]{2})*$/;
const B64_BODY = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$/;
/** The lexer's timestamp shape: ranges are checked per field, not calendar validity. */
const TS_BODY =
  /^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?Z$/;

/** Splits a pattern into tokens. Never throws: unusable characters become `Invalid` tokens. */
export function tokenize(src: string, version: PatternVersion = '2.1'): Token[] {
  const keywords = version === '2.0' ? KEYWORDS_20 : KEYWORDS_21;
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const push = (kind: TokenKind, start: number, end: number, value?: string): void => {
    const text = src.slice(start, end);
    out.push({ kind, text, value: value ?? text, line, column: start - lineStart });
  };
  while (i < src.length) {
    const c = src[i] as string;
    if (WS.test(c)) {
      if (c === '\n') {
        line++;
        lineStart = i + 1;
      }
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end >= 0) {
        for (let k = i; k < end; k++)
          if (src[k] === '\n') {
            line++;
            lineStart = k + 1;
          }
        i = end + 2;
        continue;
      }
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n' && src[i] !== '\r') i++;
      continue;
    }
    // Quoted literals with a one-letter prefix; a malformed body falls back to an identifier.
    if ((c === 'h' || c === 'b' || c === 't') && src[i + 1] === "'") {
      const end = scanString(src, i + 1);
      if (end > 0) {
        const body = src.slice(i + 2, end - 1);
        const ok = c === 'h' ? HEX_BODY.test(body) : c === 'b' ? B64_BODY.test(body) : TS_BODY.test(body);
        if (ok) {
          push(c === 'h' ? 'Hex' : c === 'b' ? 'Binary' : 'Timestamp', i, end, body);
          i = end;
          continue;
        }
      }
    }
    if (c === "'") {
      const end = scanString(src, i);
      if (end > 0) {
        push('String', i, end, unescape(src.slice(i + 1, end - 1)));
        i = end;
        continue;
      }
      push('Invalid', i, i + 1);
      i++;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j] as string)) j++;
      let k = j;
      while (k < src.length && /[A-Za-z0-9_-]/.test(src[k] as string)) k++;
      if (k > j) {
        push('IdentHyphen', i, k);
        i = k;
        continue;
      }
      const word = src.slice(i, j);
      if (keywords.has(word)) push('Keyword', i, j);
      else if (word === 'true' || word === 'false') push('Bool', i, j);
      else push('IdentNoHyphen', i, j);
      i = j;
      continue;
    }
    const num = /^[+-]?(?:[0-9]*\.[0-9]+|0|[1-9][0-9]*)/.exec(src.slice(i, i + 64));
    if (num && (c !== '+' && c !== '-' ? true : num[0].length > 1)) {
      const text = num[0];
      const neg = text.startsWith('-');
      const isFloat = text.includes('.');
      push(isFloat ? (neg ? 'FloatNeg' : 'FloatPos') : neg ? 'IntNeg' : 'IntPos', i, i + text.length);
      i += text.length;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '==' || two === '!=' || two === '<>' || two === '<=' || two === '>=') {
      push('Op', i, i + 2, two === '==' ? '=' : two === '<>' ? '!=' : two);
      i += 2;
      continue;
    }
    if (c === '=' || c === '<' || c === '>') {
      push('Op', i, i + 1);
      i++;
      continue;
    }
    if ('[]():.,*'.includes(c)) {
      push('Punct', i, i + 1);
      i++;
      continue;
    }
    push('Invalid', i, i + 1);
    i++;
  }
  out.push({ kind: 'EOF', text: '<EOF>', value: '', line, column: src.length - lineStart });
  return out;
}

/** End index (exclusive) of a quoted string starting at `start`, or -1 when unterminated. */
function scanString(src: string, start: number): number {
  let j = start + 1;
  while (j < src.length) {
    const ch = src[j];
    if (ch === '\\') {
      const next = src[j + 1];
      // Only \' and \\ are escapes in the grammar; any other backslash makes the literal invalid.
      if (next === "'" || next === '\\') {
        j += 2;
        continue;
      }
      return -1;
    }
    if (ch === "'") return j + 1;
    j++;
  }
  return -1;
}

function unescape(body: string): string {
  return body.replace(/\\(['\\])/g, '$1');
}
