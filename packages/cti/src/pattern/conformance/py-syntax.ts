/**
 * @module
 * Parser for the small subset of Python the OASIS pattern-matcher test modules
 * are written in (literals, comprehensions, calls, `def`/`for`/`if`/`with`/`assert`), so the
 * conformance test can read those modules as they are published instead of a copied fixture.
 * Test support only: nothing outside the conformance test imports it.
 */
import { tokenize, type Tok } from './py-tokens.js';

/** Expression nodes. */
export type Expr =
  | { readonly t: 'const'; readonly v: unknown }
  | { readonly t: 'name'; readonly id: string }
  | { readonly t: 'list' | 'tuple'; readonly items: readonly Expr[] }
  | { readonly t: 'dict'; readonly keys: readonly Expr[]; readonly values: readonly Expr[] }
  | { readonly t: 'comp'; readonly elt: Expr; readonly fors: readonly CompFor[]; readonly list: boolean }
  | { readonly t: 'attr'; readonly obj: Expr; readonly name: string }
  | { readonly t: 'index'; readonly obj: Expr; readonly index: Expr }
  | {
      readonly t: 'call';
      readonly fn: Expr;
      readonly args: readonly Expr[];
      readonly kwargs: Readonly<Record<string, Expr>>;
    }
  | { readonly t: 'bin'; readonly op: string; readonly l: Expr; readonly r: Expr }
  | { readonly t: 'not' | 'neg'; readonly e: Expr };

/** One `for … in … [if …]` clause of a comprehension. */
export interface CompFor {
  readonly target: Expr;
  readonly iter: Expr;
  readonly conds: readonly Expr[];
}

/** Statement nodes. */
export type Stmt =
  | { readonly t: 'expr'; readonly e: Expr }
  | { readonly t: 'assign'; readonly target: Expr; readonly value: Expr }
  | { readonly t: 'assert'; readonly e: Expr; readonly line: number }
  | { readonly t: 'return' | 'yield'; readonly e: Expr | undefined }
  | {
      readonly t: 'def';
      readonly name: string;
      readonly params: readonly string[];
      readonly body: readonly Stmt[];
      readonly decorators: readonly Expr[];
    }
  | { readonly t: 'for'; readonly target: Expr; readonly iter: Expr; readonly body: readonly Stmt[] }
  | { readonly t: 'if'; readonly cond: Expr; readonly body: readonly Stmt[]; readonly orelse: readonly Stmt[] }
  | { readonly t: 'with'; readonly ctx: Expr; readonly body: readonly Stmt[] }
  | { readonly t: 'pass' };

const COMPARE = new Set(['==', '!=', '<', '>', '<=', '>=', 'in', 'not in', 'is', 'is not']);

/** Parses a module into statements. */
export function parseModule(src: string): Stmt[] {
  const toks = tokenize(src);
  let p = 0;
  const peek = (o = 0): Tok => toks[Math.min(p + o, toks.length - 1)] as Tok;
  const next = (): Tok => toks[p++] as Tok;
  const isOp = (v: string, t = peek()): boolean => t.k === 'op' && t.v === v;
  const isName = (v: string, t = peek()): boolean => t.k === 'name' && t.v === v;
  const expect = (v: string): Tok => {
    const t = next();
    if (t.v !== v) throw new Error(`line ${t.line}: expected ${v}, got ${t.v || t.k}`);
    return t;
  };

  const block = (): Stmt[] => {
    expect(':');
    if (peek().k !== 'nl') return [simple()];
    next();
    if (peek().k !== 'indent') throw new Error(`line ${peek().line}: expected an indented block`);
    next();
    const body: Stmt[] = [];
    while (peek().k !== 'dedent' && peek().k !== 'eof') body.push(...statement());
    next();
    return body;
  };

  const statement = (): Stmt[] => {
    const t = peek();
    if (t.k === 'nl') {
      next();
      return [];
    }
    if (isOp('@')) {
      const decorators: Expr[] = [];
      while (isOp('@')) {
        next();
        decorators.push(expr());
        expect('');
      }
      const [d] = statement();
      if (!d || d.t !== 'def') throw new Error(`line ${t.line}: decorator without def`);
      return [{ ...d, decorators }];
    }
    if (isName('def')) {
      next();
      const name = next().v;
      expect('(');
      const params: string[] = [];
      while (!isOp(')')) {
        params.push(next().v);
        if (isOp(',')) next();
      }
      next();
      return [{ t: 'def', name, params, body: block(), decorators: [] }];
    }
    if (isName('for')) {
      next();
      const target = targetList();
      expect('in');
      const iter = exprList();
      return [{ t: 'for', target, iter, body: block() }];
    }
    if (isName('if') || isName('elif')) {
      next();
      const cond = expr();
      const body = block();
      let orelse: Stmt[] = [];
      if (isName('elif')) orelse = statement();
      else if (isName('else')) {
        next();
        orelse = block();
      }
      return [{ t: 'if', cond, body, orelse }];
    }
    if (isName('with')) {
      next();
      const ctx = expr();
      return [{ t: 'with', ctx, body: block() }];
    }
    if (isName('import') || isName('from')) {
      while (peek().k !== 'nl') next();
      next();
      return [];
    }
    const s = simple();
    if (peek().k === 'nl') next();
    return [s];
  };

  const simple = (): Stmt => {
    const t = peek();
    if (isName('pass')) {
      next();
      return { t: 'pass' };
    }
    if (isName('assert')) {
      next();
      return { t: 'assert', e: expr(), line: t.line };
    }
    if (isName('return') || isName('yield')) {
      next();
      const e = peek().k === 'nl' ? undefined : exprList();
      return { t: t.v as 'return' | 'yield', e };
    }
    const e = exprList();
    if (isOp('=')) {
      next();
      return { t: 'assign', target: e, value: exprList() };
    }
    return { t: 'expr', e };
  };

  const targetList = (): Expr => {
    const items = [primary()];
    while (isOp(',')) {
      next();
      items.push(primary());
    }
    return items.length === 1 ? (items[0] as Expr) : { t: 'tuple', items };
  };
  const exprList = (): Expr => {
    const first = expr();
    if (!isOp(',')) return first;
    const items = [first];
    while (isOp(',')) {
      next();
      if (peek().k === 'nl' || isOp(')') || isOp(']')) break;
      items.push(expr());
    }
    return { t: 'tuple', items };
  };

  const expr = (): Expr => orExpr();
  const orExpr = (): Expr => {
    let l = andExpr();
    while (isName('or')) {
      next();
      l = { t: 'bin', op: 'or', l, r: andExpr() };
    }
    return l;
  };
  const andExpr = (): Expr => {
    let l = notExpr();
    while (isName('and')) {
      next();
      l = { t: 'bin', op: 'and', l, r: notExpr() };
    }
    return l;
  };
  const notExpr = (): Expr => {
    if (isName('not')) {
      next();
      return { t: 'not', e: notExpr() };
    }
    return comparison();
  };
  const comparison = (): Expr => {
    let l = arith();
    for (;;) {
      let op: string | undefined;
      if (peek().k === 'op' && COMPARE.has(peek().v)) op = next().v;
      else if (isName('in')) op = next().v;
      else if (isName('not') && isName('in', peek(1))) {
        next();
        next();
        op = 'not in';
      } else if (isName('is')) {
        next();
        op = isName('not') ? (next(), 'is not') : 'is';
      }
      if (!op) return l;
      l = { t: 'bin', op, l, r: arith() };
    }
  };
  const arith = (): Expr => {
    let l = term();
    while (isOp('+') || isOp('-')) l = { t: 'bin', op: next().v, l, r: term() };
    return l;
  };
  const term = (): Expr => {
    let l = unary();
    while (isOp('*') || isOp('%') || isOp('/') || isOp('//')) l = { t: 'bin', op: next().v, l, r: unary() };
    return l;
  };
  const unary = (): Expr => {
    if (isOp('-')) {
      next();
      return { t: 'neg', e: unary() };
    }
    return primary();
  };

  const primary = (): Expr => {
    let e = atom();
    for (;;) {
      if (isOp('.')) {
        next();
        e = { t: 'attr', obj: e, name: next().v };
      } else if (isOp('[')) {
        next();
        const index = exprList();
        expect(']');
        e = { t: 'index', obj: e, index };
      } else if (isOp('(')) {
        next();
        const args: Expr[] = [];
        const kwargs: Record<string, Expr> = {};
        while (!isOp(')')) {
          if (peek().k === 'name' && isOp('=', peek(1))) {
            const k = next().v;
            next();
            kwargs[k] = expr();
          } else {
            const a = expr();
            args.push(isName('for') ? { t: 'comp', elt: a, fors: compFors(), list: false } : a);
          }
          if (isOp(',')) next();
        }
        next();
        e = { t: 'call', fn: e, args, kwargs };
      } else return e;
    }
  };

  const compFors = (): CompFor[] => {
    const fors: CompFor[] = [];
    while (isName('for')) {
      next();
      const target = targetList();
      expect('in');
      const iter = orExpr();
      const conds: Expr[] = [];
      while (isName('if')) {
        next();
        conds.push(orExpr());
      }
      fors.push({ target, iter, conds });
    }
    return fors;
  };

  const seq = (close: string, list: boolean): Expr => {
    const items: Expr[] = [];
    let trailingComma = false;
    while (!isOp(close)) {
      const e = expr();
      if (isName('for')) {
        const c: Expr = { t: 'comp', elt: e, fors: compFors(), list };
        expect(close);
        return c;
      }
      items.push(e);
      trailingComma = isOp(',');
      if (trailingComma) next();
    }
    next();
    if (!list && items.length === 1 && !trailingComma) return items[0] as Expr;
    return { t: list ? 'list' : 'tuple', items };
  };

  const atom = (): Expr => {
    const t = next();
    if (t.k === 'str') {
      let v = t.v;
      while (peek().k === 'str') v += next().v;
      return { t: 'const', v };
    }
    if (t.k === 'num') return { t: 'const', v: Number(t.v) };
    if (t.k === 'name') {
      if (t.v === 'True') return { t: 'const', v: true };
      if (t.v === 'False') return { t: 'const', v: false };
      if (t.v === 'None') return { t: 'const', v: null };
      return { t: 'name', id: t.v };
    }
    if (t.v === '(') return seq(')', false);
    if (t.v === '[') return seq(']', true);
    if (t.v === '{') {
      const keys: Expr[] = [];
      const values: Expr[] = [];
      while (!isOp('}')) {
        keys.push(expr());
        expect(':');
        values.push(expr());
        if (isOp(',')) next();
      }
      next();
      return { t: 'dict', keys, values };
    }
    throw new Error(`line ${t.line}: unexpected ${t.v || t.k}`);
  };

  const body: Stmt[] = [];
  while (peek().k !== 'eof') body.push(...statement());
  return body;
}
