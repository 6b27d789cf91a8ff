/**
 * @module
 * Evaluates a query over a block's columns (see `events/columns.ts`) instead of its re-parsed
 * events, when every term of the query names a field that has a column. Each field term is
 * tested once per distinct value of its column (memoised), with exactly the test the event
 * predicate applies (`fieldValueTest`), so the answer is the same as hydrating every event.
 * Numeric ranges are also checked against a column's zone map (its smallest and largest value,
 * when all are numbers) to skip a block without reading the column.
 */
import type { FieldValue } from '@intersoc/core';
import type { Match, QueryNode } from './ast.js';
import { fieldValueTest, numericValue } from './evaluate.js';

/** A column's value as search compares it: a string, or a list of strings. */
export type ColumnValue = string | readonly string[];

/** One decoded column: distinct values and, per event, the index of its value (-1 absent). */
export interface Column {
  readonly values: readonly ColumnValue[];
  readonly idx: Int32Array;
}

/** A column's zone map, read without its data. */
export interface ColumnZone {
  /** Smallest and largest value when every value is a number, else null. */
  readonly lo: number | null;
  readonly hi: number | null;
  /** True when no event of the block has the field. */
  readonly absent: boolean;
}

/** A query compiled for column evaluation. */
export interface ColumnarPlan {
  /** The fields whose columns it reads. */
  readonly fields: readonly string[];
  /** False when the zone maps prove that no event of the block matches. */
  mayMatch(zone: (field: string) => ColumnZone | undefined): boolean;
  /** The test of event positions over the block's columns (undefined column: field absent). */
  bind(column: (field: string) => Column | undefined): (i: number) => boolean;
}

type Node = QueryNode;

/** The plan of `tree`, or undefined when a term needs the whole event (full text, aliases, envelope). */
export function columnarPlan(tree: Node, hasColumn: (field: string) => boolean): ColumnarPlan | undefined {
  const fields = new Set<string>();
  const ok = (n: Node): boolean => {
    switch (n.type) {
      case 'all':
        return true;
      case 'and':
      case 'or':
        return n.children.every(ok);
      case 'not':
        return ok(n.child);
      case 'term':
        if (n.field === undefined || !hasColumn(n.field)) return false;
        fields.add(n.field);
        return true;
    }
  };
  if (!ok(tree)) return undefined;
  return {
    fields: [...fields],
    mayMatch: (zone) => mayMatch(tree, zone),
    bind: (column) => bind(tree, column),
  };
}

function mayMatch(n: Node, zone: (field: string) => ColumnZone | undefined): boolean {
  switch (n.type) {
    case 'all':
    case 'not':
      return true;
    case 'and':
      return n.children.every((c) => mayMatch(c, zone));
    case 'or':
      return n.children.some((c) => mayMatch(c, zone));
    case 'term': {
      const z = n.field === undefined ? undefined : zone(n.field);
      if (z === undefined) return true;
      // No value: the term's test of an absent field decides for every event.
      if (z.absent) return fieldValueTest(n.match)(undefined);
      if (n.match.kind !== 'range' || z.lo === null || z.hi === null) return true;
      return rangeMayHold(n.match, z.lo, z.hi);
    }
  }
}

/**
 * Whether some number in [lo, hi] satisfies every bound. Only when all bounds are numbers: every
 * value of the column is a number then, and the range compares them numerically.
 */
function rangeMayHold(m: Extract<Match, { kind: 'range' }>, lo: number, hi: number): boolean {
  const b = (s: string | undefined): number | undefined | null =>
    s === undefined ? undefined : (numericValue(s) ?? null);
  const gt = b(m.gt);
  const gte = b(m.gte);
  const lt = b(m.lt);
  const lte = b(m.lte);
  if (gt === null || gte === null || lt === null || lte === null) return true;
  if (gt !== undefined && !(hi > gt)) return false;
  if (gte !== undefined && !(hi >= gte)) return false;
  if (lt !== undefined && !(lo < lt)) return false;
  if (lte !== undefined && !(lo <= lte)) return false;
  return true;
}

function bind(n: Node, column: (field: string) => Column | undefined): (i: number) => boolean {
  switch (n.type) {
    case 'all':
      return () => true;
    case 'and': {
      const kids = n.children.map((c) => bind(c, column));
      return (i) => kids.every((k) => k(i));
    }
    case 'or': {
      const kids = n.children.map((c) => bind(c, column));
      return (i) => kids.some((k) => k(i));
    }
    case 'not': {
      const k = bind(n.child, column);
      return (i) => !k(i);
    }
    case 'term': {
      const test = fieldValueTest(n.match);
      const col = n.field === undefined ? undefined : column(n.field);
      const absent = test(undefined);
      if (col === undefined) return () => absent;
      // 0 unknown, 1 true, 2 false: each distinct value is tested once.
      const memo = new Uint8Array(col.values.length);
      const { idx, values } = col;
      return (i) => {
        const k = idx[i] ?? -1;
        if (k < 0) return absent;
        let m = memo[k] as number;
        if (m === 0) memo[k] = m = test(values[k] as FieldValue) ? 1 : 2;
        return m === 1;
      };
    }
  }
}
