/**
 * @module
 * Parser of the search language, a small Lucene-like syntax:
 *
 * ```
 * powershell                      full text: a word anywhere in the event (case-insensitive)
 * "invoke-mimikatz"               a phrase
 * host.name:WKS-01                field equals (case-insensitive); ECS names or original fields
 * process.command_line:*-enc*     wildcards * and ?
 * destination.port:[1 TO 1023]    inclusive range; {a TO b} exclusive; * for open ends
 * event.code:>=4624               comparison
 * user.name:*                     field exists
 * host:FS-01, user:CORP\rconti     entity aliases: any spelling of a host or account (see aliases.ts)
 * a AND b, a OR b, NOT a, -a, (a OR b) c   (juxtaposition means AND; AND binds tighter than OR)
 * ```
 * Errors carry the offset, so the API and CLI can point at the mistake.
 */
import { AppError } from '@intersoc/core';
import type { Match, QueryNode } from './ast.js';
import { expandAliases } from './aliases.js';

type Tok =
  | { t: 'word'; v: string; pos: number; quoted: boolean }
  | { t: 'lp' | 'rp' | 'lb' | 'rb' | 'lc' | 'rc' | 'colon' | 'minus'; pos: number };

const MAX_QUERY = 8192;
const MAX_DEPTH = 64;

function lex(q: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const single: Record<string, Tok['t']> = {
    '(': 'lp',
    ')': 'rp',
    '[': 'lb',
    ']': 'rb',
    '{': 'lc',
    '}': 'rc',
    ':': 'colon',
  };
  while (i < q.length) {
    const c = q[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const s = single[c];
    if (s) {
      out.push({ t: s, pos: i } as Tok);
      i++;
      continue;
    }
    if (c === '-' && (out.length === 0 || /[\s(]/.test(q[i - 1] ?? ' '))) {
      out.push({ t: 'minus', pos: i });
      i++;
      continue;
    }
    if (c === '"') {
      let v = '';
      let j = i + 1;
      for (; j < q.length && q[j] !== '"'; j++) {
        // Only \" and \\ are escapes, so Windows paths can be typed as they are.
        if (q[j] === '\\' && (q[j + 1] === '"' || q[j + 1] === '\\')) j++;
        v += q[j];
      }
      if (j >= q.length) throw syntax('unterminated quote', i);
      out.push({ t: 'word', v, pos: i, quoted: true });
      i = j + 1;
      continue;
    }
    // A value right after `field:` may itself contain colons (C:\Windows, 10:30, IPv6).
    const isValue = out[out.length - 1]?.t === 'colon';
    let v = '';
    let j = i;
    for (; j < q.length; j++) {
      const d = q[j] as string;
      // A backslash escapes only the characters that would end a word; elsewhere it is literal.
      if (d === '\\' && j + 1 < q.length && ' \t()[]{}":'.includes(q[j + 1] as string)) {
        v += q[++j];
        continue;
      }
      if (' \t\r\n()[]{}"'.includes(d) || (d === ':' && !isValue)) break;
      v += d;
    }
    out.push({ t: 'word', v, pos: i, quoted: false });
    i = j;
  }
  return out;
}

function syntax(msg: string, pos: number): AppError {
  return new AppError('VALIDATION', `query: ${msg} at offset ${pos}`, { details: { offset: pos } });
}

/** Parses a query string; throws AppError VALIDATION with the offset on a syntax error. Empty = all. */
export function parseQuery(q: string): QueryNode {
  if (q.length > MAX_QUERY) throw syntax(`longer than ${MAX_QUERY} characters`, MAX_QUERY);
  const toks = lex(q);
  let p = 0;
  const peek = (): Tok | undefined => toks[p];
  const isWord = (tok: Tok | undefined, w: string): boolean => tok?.t === 'word' && !tok.quoted && tok.v === w;

  function parseOr(depth: number): QueryNode {
    if (depth > MAX_DEPTH) throw syntax('nested too deeply', peek()?.pos ?? q.length);
    const kids = [parseAnd(depth)];
    while (isWord(peek(), 'OR')) {
      p++;
      kids.push(parseAnd(depth));
    }
    return kids.length === 1 ? (kids[0] as QueryNode) : { type: 'or', children: kids };
  }
  function parseAnd(depth: number): QueryNode {
    const kids = [parseNot(depth)];
    for (;;) {
      const t = peek();
      if (!t || t.t === 'rp' || isWord(t, 'OR')) break;
      if (isWord(t, 'AND')) p++;
      kids.push(parseNot(depth));
    }
    return kids.length === 1 ? (kids[0] as QueryNode) : { type: 'and', children: kids };
  }
  function parseNot(depth: number): QueryNode {
    const t = peek();
    if (t && (isWord(t, 'NOT') || t.t === 'minus')) {
      p++;
      return { type: 'not', child: parseNot(depth + 1) };
    }
    return parsePrimary(depth);
  }
  function parsePrimary(depth: number): QueryNode {
    const t = peek();
    if (!t) throw syntax('expected a term', q.length);
    if (t.t === 'lp') {
      p++;
      const inner = parseOr(depth + 1);
      if (peek()?.t !== 'rp') throw syntax('missing )', peek()?.pos ?? q.length);
      p++;
      return inner;
    }
    if (t.t !== 'word') throw syntax(`unexpected "${q[t.pos]}"`, t.pos);
    if (isWord(t, 'AND') || isWord(t, 'OR')) throw syntax(`unexpected ${t.v}`, t.pos);
    p++;
    if (peek()?.t === 'colon' && !t.quoted) {
      p++;
      return { type: 'term', field: t.v, match: parseValue(t.pos) };
    }
    return { type: 'term', match: wordMatch(t.v, t.quoted) };
  }
  function parseValue(fieldPos: number): Match {
    const t = peek();
    if (!t) throw syntax('expected a value after ":"', q.length);
    if (t.t === 'lb' || t.t === 'lc') {
      p++;
      const lo = expectWord();
      if (!isWord(peek(), 'TO')) throw syntax('expected TO in range', peek()?.pos ?? q.length);
      p++;
      const hi = expectWord();
      const close = peek();
      if (!close || (close.t !== 'rb' && close.t !== 'rc'))
        throw syntax('missing ] or } after range', close?.pos ?? q.length);
      p++;
      const m: { gt?: string; gte?: string; lt?: string; lte?: string } = {};
      if (lo !== '*') m[t.t === 'lb' ? 'gte' : 'gt'] = lo;
      if (hi !== '*') m[close.t === 'rb' ? 'lte' : 'lt'] = hi;
      return { kind: 'range', ...m };
    }
    if (t.t !== 'word') throw syntax('expected a value', t.pos);
    p++;
    if (!t.quoted) {
      const cmp = /^(>=|<=|>|<)(.*)$/.exec(t.v);
      if (cmp) {
        let bound = cmp[2] as string;
        if (bound === '') bound = expectWord();
        const key = ({ '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' } as const)[cmp[1] as '>' | '>=' | '<' | '<='];
        return { kind: 'range', [key]: bound };
      }
      if (t.v === '*') return { kind: 'exists' };
    }
    if (t.v === '' && !t.quoted) throw syntax('empty value', fieldPos);
    return wordMatch(t.v, t.quoted);
  }
  function expectWord(): string {
    const t = peek();
    if (t?.t !== 'word') throw syntax('expected a value', t?.pos ?? q.length);
    p++;
    return t.v;
  }

  if (toks.length === 0) return { type: 'all' };
  const tree = parseOr(0);
  if (p < toks.length) throw syntax('unexpected input', toks[p]?.pos ?? q.length);
  return expandAliases(tree);
}

function wordMatch(v: string, quoted: boolean): Match {
  if (!quoted && (v.includes('*') || v.includes('?'))) return { kind: 'wildcard', pattern: v };
  return { kind: 'text', value: v, quoted };
}
