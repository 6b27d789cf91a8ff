/**
 * @module
 * The Sigma condition grammar: `or` < `and` < `not` < `x of` < brackets, search identifiers,
 * `1 of`/`all of` over `them` or a wildcard pattern. The obsolete aggregation pipe (`| count()`)
 * and `near` are rejected with a reason rather than half-supported.
 */
import { fail, ok, type Result } from '@intersoc/core';
import { compileGlob } from '../values/glob.js';
import { mergeParts, STAR, type StringPart } from '../values/sigma-string.js';

/** Parsed condition tree. `of` nodes are resolved against the detection's identifiers later. */
export type ConditionNode =
  | { readonly t: 'id'; readonly name: string }
  | { readonly t: 'not'; readonly arg: ConditionNode }
  | { readonly t: 'and' | 'or'; readonly args: readonly ConditionNode[] }
  | { readonly t: 'of'; readonly quantifier: 'all' | number; readonly pattern: string };

type Token =
  | { k: 'lp' | 'rp' | 'and' | 'or' | 'not' | 'of' | 'all' | 'them' | 'end' }
  | { k: 'num'; n: number }
  | { k: 'id'; v: string };

const WORDS: Record<string, Token['k']> = { and: 'and', or: 'or', not: 'not', of: 'of', all: 'all', them: 'them' };

function tokenize(src: string): Result<Token[]> {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(') {
      out.push({ k: 'lp' });
      i++;
    } else if (c === ')') {
      out.push({ k: 'rp' });
      i++;
    } else if (c === '|') {
      return fail(`obsolete aggregation syntax "${src.slice(i).trim()}": use a correlation rule instead`);
    } else {
      const m = /^[^\s()|]+/.exec(src.slice(i));
      const word = m?.[0] ?? c;
      i += word.length;
      const lowered = word.toLowerCase();
      if (lowered === 'near')
        return fail('the obsolete "near" operator is not supported: use a temporal correlation rule');
      if (/^(count|sum|min|max|avg)\(/i.test(word)) {
        return fail(`obsolete aggregation "${word}": use a correlation rule instead`);
      }
      const kw = WORDS[lowered];
      if (kw) out.push({ k: kw } as Token);
      else if (/^\d+$/.test(word)) out.push({ k: 'num', n: Number(word) });
      else if (lowered === 'any') out.push({ k: 'num', n: 1 });
      else if (/^[\w.*\-$@]+$/.test(word)) out.push({ k: 'id', v: word });
      else return fail(`unexpected "${word}" in condition`);
    }
  }
  out.push({ k: 'end' });
  return ok(out);
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos] as Token;
  }
  private next(): Token {
    return this.tokens[this.pos++] as Token;
  }

  parseAll(): ConditionNode {
    const node = this.parseOr();
    const t = this.peek();
    if (t.k !== 'end') throw new SyntaxError(`unexpected ${describe(t)} after a complete expression`);
    return node;
  }

  private parseOr(): ConditionNode {
    const args = [this.parseAnd()];
    while (this.peek().k === 'or') {
      this.next();
      args.push(this.parseAnd());
    }
    return args.length === 1 ? (args[0] as ConditionNode) : { t: 'or', args };
  }

  private parseAnd(): ConditionNode {
    const args = [this.parseNot()];
    while (this.peek().k === 'and') {
      this.next();
      args.push(this.parseNot());
    }
    return args.length === 1 ? (args[0] as ConditionNode) : { t: 'and', args };
  }

  private parseNot(): ConditionNode {
    if (this.peek().k === 'not') {
      this.next();
      return { t: 'not', arg: this.parseNot() };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): ConditionNode {
    const t = this.next();
    switch (t.k) {
      case 'lp': {
        const inner = this.parseOr();
        const close = this.next();
        if (close.k !== 'rp') throw new SyntaxError(`expected ")" but found ${describe(close)}`);
        return inner;
      }
      case 'id':
        return { t: 'id', name: t.v };
      case 'num':
      case 'all': {
        const quantifier: 'all' | number = t.k === 'num' ? t.n : 'all';
        if (quantifier !== 'all' && quantifier < 1) throw new SyntaxError('"0 of" is not a valid quantifier');
        const of = this.next();
        if (of.k !== 'of') throw new SyntaxError(`expected "of" after the quantifier, found ${describe(of)}`);
        const target = this.next();
        if (target.k === 'them') return { t: 'of', quantifier, pattern: 'them' };
        if (target.k === 'id') return { t: 'of', quantifier, pattern: target.v };
        throw new SyntaxError(`expected "them" or an identifier pattern after "of", found ${describe(target)}`);
      }
      default:
        throw new SyntaxError(`unexpected ${describe(t)}`);
    }
  }
}

function describe(t: Token): string {
  switch (t.k) {
    case 'end':
      return 'end of condition';
    case 'id':
      return `"${t.v}"`;
    case 'num':
      return `"${t.n}"`;
    case 'lp':
      return '"("';
    case 'rp':
      return '")"';
    default:
      return `"${t.k}"`;
  }
}

/** Parses one condition string. */
export function parseCondition(src: string): Result<ConditionNode> {
  if (src.trim() === '') return fail('the condition is empty');
  const tokens = tokenize(src);
  if (!tokens.ok) return tokens;
  try {
    return ok(new Parser(tokens.value).parseAll());
  } catch (err) {
    return fail(`invalid condition "${src}": ${(err as Error).message}`);
  }
}

/** Search identifiers matched by an `x of` pattern; `them` skips names starting with `_`. */
export function resolveOfPattern(pattern: string, identifiers: readonly string[]): string[] {
  if (pattern === 'them') return identifiers.filter((n) => !n.startsWith('_'));
  if (!pattern.includes('*')) return identifiers.filter((n) => n === pattern);
  const parts: StringPart[] = [];
  pattern.split('*').forEach((lit, i) => {
    if (i > 0) parts.push(STAR);
    if (lit) parts.push(lit);
  });
  const test = compileGlob(mergeParts(parts));
  return identifiers.filter((n) => test(n));
}

/** Every identifier or pattern the condition names, for validation. */
export function conditionReferences(node: ConditionNode): { ids: string[]; patterns: string[] } {
  const ids: string[] = [];
  const patterns: string[] = [];
  const walk = (n: ConditionNode): void => {
    switch (n.t) {
      case 'id':
        ids.push(n.name);
        break;
      case 'not':
        walk(n.arg);
        break;
      case 'and':
      case 'or':
        n.args.forEach(walk);
        break;
      case 'of':
        patterns.push(n.pattern);
        break;
    }
  };
  walk(node);
  return { ids, patterns };
}
