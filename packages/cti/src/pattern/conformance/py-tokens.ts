/**
 * @module
 * Tokeniser for the Python subset of the pattern-matcher test modules (see `py-syntax.ts`):
 * strings with their prefixes and escapes, numbers, names, operators, and INDENT/DEDENT, with
 * lines joined inside brackets and after a backslash. Test support only.
 */

/** One token; `v` is the text (the decoded value for strings). */
export interface Tok {
  readonly k: 'name' | 'num' | 'str' | 'op' | 'nl' | 'indent' | 'dedent' | 'eof';
  readonly v: string;
  readonly line: number;
}

const OPS = [
  '**',
  '==',
  '!=',
  '<=',
  '>=',
  '//',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '.',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '@',
];

function unescape(body: string, raw: boolean): string {
  if (raw) return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|\n|.)/g, (_, e: string) => {
    const c = e[0] as string;
    if (c === 'x' || c === 'u' || c === 'U') return String.fromCodePoint(parseInt(e.slice(1), 16));
    const simple: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      '0': '\0',
      '\\': '\\',
      "'": "'",
      '"': '"',
      '\n': '',
    };
    return simple[c] ?? `\\${e}`;
  });
}

/** Splits Python source into tokens with INDENT/DEDENT, joining lines inside brackets. */
export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  const indents = [0];
  let depth = 0;
  let i = 0;
  let line = 1;
  let atLineStart = true;
  while (i < src.length) {
    if (atLineStart && depth === 0) {
      let col = 0;
      while (src[i] === ' ' || src[i] === '\t') {
        col++;
        i++;
      }
      if (src[i] === '\n' || src[i] === '#' || i >= src.length) {
        while (i < src.length && src[i] !== '\n') i++;
        i++;
        line++;
        continue;
      }
      atLineStart = false;
      if (col > (indents[indents.length - 1] as number)) {
        indents.push(col);
        out.push({ k: 'indent', v: '', line });
      }
      while (col < (indents[indents.length - 1] as number)) {
        indents.pop();
        out.push({ k: 'dedent', v: '', line });
      }
    }
    const c = src[i] as string;
    if (c === '\n') {
      line++;
      i++;
      if (depth === 0) {
        out.push({ k: 'nl', v: '', line });
        atLineStart = true;
      }
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      line++;
      continue;
    }
    const str = /^([rRuUbB]{0,2})('''|"""|'|")/.exec(src.slice(i, i + 5));
    if (str && (str[1] === '' || /[A-Za-z]/.test(c))) {
      const prefix = (str[1] as string).toLowerCase();
      const q = str[2] as string;
      let j = i + prefix.length + q.length;
      let body = '';
      while (j < src.length && !src.startsWith(q, j)) {
        if (src[j] === '\\') {
          body += src.slice(j, j + 2);
          j += 2;
        } else {
          if (src[j] === '\n') line++;
          body += src[j];
          j++;
        }
      }
      out.push({ k: 'str', v: unescape(body, prefix.includes('r')), line });
      i = j + q.length;
      continue;
    }
    const num = /^(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
    if (num && /[\d.]/.test(c) && !(c === '.' && !/\d/.test(src[i + 1] ?? ''))) {
      out.push({ k: 'num', v: num[0], line });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name) {
      out.push({ k: 'name', v: name[0], line });
      i += name[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new Error(`line ${line}: unexpected character ${JSON.stringify(c)}`);
    if (op === '(' || op === '[' || op === '{') depth++;
    if (op === ')' || op === ']' || op === '}') depth--;
    out.push({ k: 'op', v: op, line });
    i += op.length;
  }
  out.push({ k: 'nl', v: '', line });
  while (indents.length > 1) {
    indents.pop();
    out.push({ k: 'dedent', v: '', line });
  }
  out.push({ k: 'eof', v: '', line });
  return out;
}
