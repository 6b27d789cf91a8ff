/**
 * @module
 * Compiles a query tree into a predicate over documents (events or alerts). Comparison is on
 * the string form of values, case-insensitive; ranges compare numerically when both sides are
 * numbers, as instants when both are timestamps, and as text otherwise.
 */
import { parseTime, type FieldValue } from '@intersoc/core';
import type { Match, QueryNode } from './ast.js';
import { compileGlob } from './glob.js';
import { isToken, tokensOf } from './tokens.js';

/** What the evaluator needs of a document. */
export interface QueryDoc {
  /** A field's value, or undefined when absent. */
  get(field: string): FieldValue | undefined;
  /** Every field value, for full-text terms. */
  values(): Iterable<FieldValue>;
}

/** A compiled query. */
export type Predicate = (doc: QueryDoc) => boolean;

/** Compiles `node` into a predicate. */
export function compileQuery(node: QueryNode): Predicate {
  switch (node.type) {
    case 'all':
      return () => true;
    case 'and': {
      const kids = node.children.map(compileQuery);
      return (d) => kids.every((k) => k(d));
    }
    case 'or': {
      const kids = node.children.map(compileQuery);
      return (d) => kids.some((k) => k(d));
    }
    case 'not': {
      const k = compileQuery(node.child);
      return (d) => !k(d);
    }
    case 'term':
      return node.field === undefined ? fullText(node.match) : fieldTerm(node.field, node.match);
  }
}

function eachString(v: FieldValue | undefined, f: (s: string) => boolean): boolean {
  if (v === undefined || v === null) return false;
  if (Array.isArray(v)) return v.some((x) => x !== null && f(String(x).toLowerCase()));
  return f(String(v).toLowerCase());
}

function valueTest(m: Match): (s: string) => boolean {
  switch (m.kind) {
    case 'text': {
      const want = m.value.toLowerCase();
      return (s) => s === want;
    }
    case 'wildcard': {
      const glob = compileGlob(m.pattern.toLowerCase());
      return (s) => glob.test(s);
    }
    case 'exists':
      return (s) => s.length > 0;
    case 'range':
      return rangeTest(m);
  }
}

function fieldTerm(field: string, m: Match): Predicate {
  const test = fieldValueTest(m);
  return (d) => test(d.get(field));
}

/**
 * The test a field term applies to the field's value (a value, a list, or undefined when absent).
 * Column evaluation (`query/columnar.ts`) applies the same test to a column's distinct values.
 */
export function fieldValueTest(m: Match): (v: FieldValue | undefined) => boolean {
  const test = valueTest(m);
  return (v) => eachString(v, test);
}

function fullText(m: Match): Predicate {
  if (m.kind === 'text') {
    const want = m.value.toLowerCase();
    // A plain word matches a whole token; anything else (phrases, paths) matches as a substring.
    if (!m.quoted && isToken(want)) {
      return (d) => someValue(d, (s) => s.includes(want) && tokensOf(s).includes(want));
    }
    return (d) => someValue(d, (s) => s.includes(want));
  }
  if (m.kind === 'wildcard') {
    const glob = compileGlob(m.pattern.toLowerCase());
    return (d) => someValue(d, (s) => glob.test(s) || tokensOf(s).some((t) => glob.test(t)));
  }
  const test = valueTest(m);
  return (d) => someValue(d, test);
}

function someValue(d: QueryDoc, f: (s: string) => boolean): boolean {
  for (const v of d.values()) if (eachString(v, f)) return true;
  return false;
}

type Cmp = (a: number, b: number) => boolean;

function rangeTest(m: Extract<Match, { kind: 'range' }>): (s: string) => boolean {
  const bounds: [string, Cmp][] = [];
  if (m.gt !== undefined) bounds.push([m.gt, (a, b) => a > b]);
  if (m.gte !== undefined) bounds.push([m.gte, (a, b) => a >= b]);
  if (m.lt !== undefined) bounds.push([m.lt, (a, b) => a < b]);
  if (m.lte !== undefined) bounds.push([m.lte, (a, b) => a <= b]);
  const checks = bounds.map(([raw, cmp]) => {
    const num = numericValue(raw);
    const time = num === undefined ? parseTime(raw) : undefined;
    const text = raw.toLowerCase();
    return (s: string): boolean => {
      if (num !== undefined) {
        const v = numericValue(s);
        if (v !== undefined) return cmp(v, num);
      }
      if (time !== undefined) {
        const v = parseTime(s);
        if (v !== undefined) return cmp(v, time);
      }
      return cmp(s < text ? -1 : s > text ? 1 : 0, 0);
    };
  });
  return (s) => checks.every((c) => c(s));
}

/** The number a range compares `s` as, or undefined when `s` is not a number. */
export function numericValue(s: string): number | undefined {
  if (!/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s.trim())) return undefined;
  return Number(s);
}
