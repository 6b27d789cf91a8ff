/**
 * @module
 * Recursive-descent parser for STIX patterns (2.1, and 2.0 through a version switch), followed by
 * the checks the reference validator makes beyond the grammar: one qualifier of each kind per
 * simple observation expression, and well-formed values for known hash algorithms. Returns a
 * `Result` so invalid patterns from feeds are data, not exceptions.
 */
import { fail, ok, type Result } from '@intersoc/core';
import type {
  Comparison,
  ComparisonExpression,
  Literal,
  ObjectPath,
  ObservationExpression,
  Operator,
  PathStep,
  Pattern,
  PatternError,
  PatternVersion,
  Qualifier,
} from './ast.js';
import { tokenize, type Token, type TokenKind } from './lexer.js';
import { checkHashes, comparisons } from './hash-check.js';
import { patternLimits, type PatternLimits } from './limits.js';

export { comparisons };

class ParseFailure extends Error {
  constructor(readonly error: PatternError) {
    super(error.message);
  }
}

/** Options of `parsePattern`. */
export interface ParseOptions {
  /** Grammar version; default 2.1. */
  readonly version?: PatternVersion;
  /** Size limits; default `patternLimits()`. */
  readonly limits?: PatternLimits;
  /**
   * Accept two qualifiers of one kind on a bracketed expression (`[…] REPEATS 2 TIMES REPEATS 3
   * TIMES`), as the reference matcher does; the reference validator, and so the default, rejects them.
   */
  readonly allowRepeatedQualifiers?: boolean;
}

/**
 * Parses and validates a pattern.
 *
 * @example
 * const r = parsePattern("[ipv4-addr:value = '198.51.100.1']");
 * if (r.ok) r.value.root; else r.reason.message;
 */
export function parsePattern(source: string, options: ParseOptions = {}): Result<Pattern, PatternError> {
  const version = options.version ?? '2.1';
  const limits = options.limits ?? patternLimits();
  // Checked before tokenising so an oversized pattern costs nothing more.
  if (source.length > limits.maxLength) {
    return fail({
      message: `pattern is ${source.length} characters long; the limit is ${limits.maxLength}`,
      line: 1,
      column: 0,
    });
  }
  const tokens = tokenize(source, version);
  const first = tokens[0];
  if (first && first.kind !== 'EOF' && !(first.kind === 'Punct' && (first.text === '[' || first.text === '('))) {
    return fail({ message: 'Error found at line 1:0. input is missing square brackets', line: 1, column: 0 });
  }
  try {
    const parser = new Parser(tokens, version, limits, options.allowRepeatedQualifiers === true);
    const root = parser.pattern();
    const hashError = checkHashes(root);
    if (hashError) return fail(hashError);
    return ok({ version, root });
  } catch (err) {
    if (err instanceof ParseFailure) return fail(err.error);
    throw err;
  }
}

/** True when `source` is a valid pattern of `version`. */
export function isValidPattern(source: string, version: PatternVersion = '2.1'): boolean {
  return parsePattern(source, { version }).ok;
}

const ORDER_OPS = new Set(['<', '<=', '>', '>=']);
const SET_KIND: Readonly<Record<Literal['kind'], string>> = {
  int: 'number',
  float: 'number',
  string: 'string',
  bool: 'boolean',
  binary: 'binary',
  hex: 'binary',
  timestamp: 'timestamp',
};
const LITERAL_KINDS: ReadonlySet<TokenKind> = new Set([
  'IntPos',
  'IntNeg',
  'FloatPos',
  'FloatNeg',
  'String',
  'Binary',
  'Hex',
  'Timestamp',
]);

class Parser {
  private pos = 0;
  private depth = 0;
  private terms = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly version: PatternVersion,
    private readonly limits: PatternLimits,
    private readonly repeatedQualifiers: boolean,
  ) {}

  /** Enters one level of brackets or parentheses; the recursion would otherwise exhaust the stack. */
  private enter(t: Token): void {
    if (++this.depth > this.limits.maxDepth) {
      this.failAt(t, `pattern nests deeper than ${this.limits.maxDepth} levels of brackets and parentheses`);
    }
  }
  /** Counts comparison terms (each IN value is one), whose number bounds the matching work. */
  private count(t: Token, n: number): void {
    this.terms += n;
    if (this.terms > this.limits.maxComparisons) {
      this.failAt(t, `pattern has more than ${this.limits.maxComparisons} comparison terms`);
    }
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }
  private next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }
  private isKw(word: string, t: Token = this.peek()): boolean {
    return t.kind === 'Keyword' && t.text === word;
  }
  private isPunct(p: string, t: Token = this.peek()): boolean {
    return t.kind === 'Punct' && t.text === p;
  }
  private failAt(t: Token, message: string): never {
    throw new ParseFailure({
      message: `Error found at line ${t.line}:${t.column}. ${message}`,
      line: t.line,
      column: t.column,
    });
  }
  private mismatch(t: Token, expecting: string): never {
    if (t.kind === 'Invalid' || (t.kind === 'IdentNoHyphen' && LITERAL_KINDS.has(this.peek(1).kind))) {
      this.failAt(t, `extraneous input '${t.text}' expecting ${expecting}`);
    }
    this.failAt(t, `mismatched input '${t.text}' expecting ${expecting}`);
  }
  private expectPunct(p: string): Token {
    const t = this.peek();
    if (!this.isPunct(p, t)) this.mismatch(t, `'${p}'`);
    return this.next();
  }
  private expectKw(word: string): Token {
    const t = this.peek();
    if (!this.isKw(word, t)) this.mismatch(t, `'${word}'`);
    return this.next();
  }

  pattern(): ObservationExpression {
    const root = this.observationExpressions();
    const t = this.peek();
    if (t.kind !== 'EOF') this.mismatch(t, '<EOF>');
    return root;
  }

  private observationExpressions(): ObservationExpression {
    return this.binary('FOLLOWEDBY', 'followedby', () => this.observationOr());
  }
  private observationOr(): ObservationExpression {
    return this.binary('OR', 'or', () => this.observationAnd());
  }
  private observationAnd(): ObservationExpression {
    return this.binary('AND', 'and', () => this.observationQualified());
  }
  private binary(
    kw: string,
    kind: 'and' | 'or' | 'followedby',
    operand: () => ObservationExpression,
  ): ObservationExpression {
    const operands = [operand()];
    while (this.isKw(kw)) {
      this.next();
      operands.push(operand());
    }
    return operands.length === 1 ? (operands[0] as ObservationExpression) : { kind, operands };
  }

  private observationQualified(): ObservationExpression {
    const start = this.peek();
    let expr: ObservationExpression;
    let simple: boolean;
    if (this.isPunct('[')) {
      this.enter(this.next());
      const comparison = this.comparisonExpression();
      this.expectPunct(']');
      this.depth--;
      expr = { kind: 'observation', comparison };
      simple = true;
    } else if (this.isPunct('(')) {
      this.enter(this.next());
      expr = this.observationExpressions();
      this.expectPunct(')');
      this.depth--;
      simple = false;
    } else {
      this.mismatch(start, "{'[', '('}");
    }
    // The reference validator rejects two qualifiers of one kind applied directly to a
    // bracketed expression; a parenthesised group resets that check.
    const seen = new Set<string>();
    for (;;) {
      const t = this.peek();
      let q: Qualifier | undefined;
      if (this.isKw('WITHIN', t)) q = this.within();
      else if (this.isKw('REPEATS', t)) q = this.repeats();
      else if (this.isKw('START', t)) q = this.startStop();
      if (!q) break;
      const name = q.kind === 'startstop' ? 'STARTSTOP' : q.kind.toUpperCase();
      if (simple && seen.has(name) && !this.repeatedQualifiers) {
        throw new ParseFailure({
          message: `Duplicate qualifier type encountered: ${name}`,
          line: t.line,
          column: t.column,
        });
      }
      seen.add(name);
      expr = { kind: 'qualified', expression: expr, qualifier: q };
    }
    return expr;
  }

  private within(): Qualifier {
    this.next();
    const t = this.peek();
    if (t.kind !== 'IntPos' && t.kind !== 'FloatPos') this.mismatch(t, '{IntPosLiteral, FloatPosLiteral}');
    this.next();
    const seconds = Number(t.text);
    // A window of no time can hold no observation: the reference matcher rejects it.
    if (!(seconds > 0)) this.failAt(t, `WITHIN needs a positive number of seconds, not ${t.text}`);
    this.expectKw('SECONDS');
    return { kind: 'within', seconds };
  }
  private repeats(): Qualifier {
    this.next();
    const t = this.peek();
    if (t.kind !== 'IntPos') this.mismatch(t, 'IntPosLiteral');
    this.next();
    if (Number(t.text) < 1) this.failAt(t, `REPEATS needs a positive count, not ${t.text}`);
    this.expectKw('TIMES');
    return { kind: 'repeats', times: Number(t.text) };
  }
  private startStop(): Qualifier {
    this.next();
    const start = this.qualifierTime();
    this.expectKw('STOP');
    const stop = this.qualifierTime();
    return { kind: 'startstop', start, stop };
  }
  private qualifierTime(): number {
    const t = this.peek();
    if (t.kind === 'Timestamp' || (this.version === '2.0' && t.kind === 'String')) {
      this.next();
      return Date.parse(t.value);
    }
    return this.mismatch(t, 'TimestampLiteral');
  }

  private comparisonExpression(): ComparisonExpression {
    const operands = [this.comparisonAnd()];
    while (this.isKw('OR')) {
      this.next();
      operands.push(this.comparisonAnd());
    }
    return operands.length === 1 ? (operands[0] as ComparisonExpression) : { kind: 'or', operands };
  }
  private comparisonAnd(): ComparisonExpression {
    const operands = [this.propTest()];
    while (this.isKw('AND')) {
      this.next();
      operands.push(this.propTest());
    }
    return operands.length === 1 ? (operands[0] as ComparisonExpression) : { kind: 'and', operands };
  }

  private propTest(): ComparisonExpression {
    if (this.isPunct('(')) {
      this.enter(this.next());
      const inner = this.comparisonExpression();
      this.expectPunct(')');
      this.depth--;
      return inner;
    }
    if (this.version === '2.1') {
      const notExists = this.isKw('NOT') && this.isKw('EXISTS', this.peek(1));
      if (notExists || this.isKw('EXISTS')) {
        if (notExists) this.next();
        this.count(this.next(), 1);
        const path = this.objectPath();
        return { kind: 'comparison', path, operator: 'EXISTS', negated: notExists };
      }
    }
    const start = this.peek();
    const path = this.objectPath();
    let negated = false;
    if (this.isKw('NOT')) {
      this.next();
      negated = true;
    }
    const t = this.peek();
    const comparison = (operator: Operator, value: Literal | readonly Literal[]): Comparison => ({
      kind: 'comparison',
      path,
      operator,
      negated,
      value,
    });
    if (t.kind === 'Op') {
      this.next();
      this.count(start, 1);
      const op = t.value as Operator;
      return comparison(op, ORDER_OPS.has(op) ? this.literal(false) : this.literal(true));
    }
    if (t.kind === 'Keyword') {
      switch (t.text) {
        case 'IN': {
          this.next();
          const set = this.setLiteral();
          this.count(start, Math.max(1, set.length));
          return comparison('IN', set);
        }
        case 'LIKE':
        case 'MATCHES':
        case 'ISSUBSET':
        case 'ISSUPERSET':
          this.next();
          this.count(start, 1);
          return comparison(t.text, this.stringLiteral());
        default:
          break;
      }
    }
    return this.mismatch(
      t,
      "{'=', '!=', '<', '<=', '>', '>=', 'IN', 'LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET', 'NOT'}",
    );
  }

  private objectPath(): ObjectPath {
    const typeTok = this.peek();
    if (typeTok.kind !== 'IdentNoHyphen' && typeTok.kind !== 'IdentHyphen') {
      this.mismatch(typeTok, '{IdentifierWithoutHyphen, IdentifierWithHyphen}');
    }
    this.next();
    const colon = this.peek();
    if (!this.isPunct(':', colon)) {
      this.failAt(colon, `no viable alternative at input '${typeTok.text}${colon.text}'`);
    }
    this.next();
    const steps: PathStep[] = [{ kind: 'key', key: this.pathKey() }];
    for (;;) {
      if (this.isPunct('.')) {
        this.next();
        steps.push({ kind: 'key', key: this.pathKey() });
      } else if (this.isPunct('[')) {
        this.next();
        const t = this.peek();
        if (t.kind === 'IntPos' || t.kind === 'IntNeg') steps.push({ kind: 'index', index: Number(t.text) });
        else if (this.isPunct('*', t)) steps.push({ kind: 'index', index: '*' });
        else this.mismatch(t, "{IntPosLiteral, IntNegLiteral, '*'}");
        this.next();
        this.expectPunct(']');
      } else {
        return { objectType: typeTok.text, steps };
      }
    }
  }
  private pathKey(): string {
    const t = this.peek();
    if (t.kind === 'IdentNoHyphen' || t.kind === 'String') {
      this.next();
      return t.value;
    }
    // Keywords are valid property names when used in lower case only; upper-case ones are reserved.
    return this.mismatch(t, '{IdentifierWithoutHyphen, StringLiteral}');
  }

  private setLiteral(): Literal[] {
    this.expectPunct('(');
    const out: Literal[] = [];
    if (this.isPunct(')')) {
      this.next();
      return out;
    }
    out.push(this.literal(true));
    while (this.isPunct(',')) {
      this.next();
      out.push(this.literal(true));
    }
    const close = this.expectPunct(')');
    // One type per set, as the reference matcher requires (integers and floats mix).
    const kinds = new Set(out.map((l) => SET_KIND[l.kind]));
    if (kinds.size > 1) this.failAt(close, `set values must be of one type, not ${[...kinds].join(' and ')}`);
    return out;
  }
  private stringLiteral(): Literal {
    const t = this.peek();
    if (t.kind !== 'String') {
      if (t.kind === 'Punct' && (t.text === ']' || t.text === ')'))
        this.failAt(t, `missing StringLiteral at '${t.text}'`);
      this.mismatch(t, 'StringLiteral');
    }
    this.next();
    return { kind: 'string', value: t.value, text: t.text };
  }
  private literal(allowBool: boolean): Literal {
    const t = this.peek();
    switch (t.kind) {
      case 'IntPos':
      case 'IntNeg':
        this.next();
        return { kind: 'int', value: Number(t.text), text: t.text };
      case 'FloatPos':
      case 'FloatNeg':
        this.next();
        return { kind: 'float', value: Number(t.text), text: t.text };
      case 'String':
        this.next();
        return { kind: 'string', value: t.value, text: t.text };
      case 'Binary':
        this.next();
        return { kind: 'binary', value: t.value, text: t.text };
      case 'Hex':
        this.next();
        return { kind: 'hex', value: t.value.toLowerCase(), text: t.text };
      case 'Timestamp':
        this.next();
        return { kind: 'timestamp', value: calendarTime(t.value), text: t.text };
      case 'Bool':
        if (allowBool) {
          this.next();
          return { kind: 'bool', value: t.text === 'true', text: t.text };
        }
        break;
      default:
        break;
    }
    return this.mismatch(t, allowBool ? 'a literal' : 'an orderable literal');
  }
}

/** Epoch ms of a STIX timestamp, NaN for impossible calendar dates (the grammar allows Feb 30). */
function calendarTime(ts: string): number {
  const ms = Date.parse(ts);
  if (Number.isNaN(ms)) return NaN;
  return new Date(ms).toISOString().slice(0, 10) === ts.slice(0, 10) ? ms : NaN;
}
