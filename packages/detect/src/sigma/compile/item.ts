/**
 * @module
 * Compiles one detection item (`field|modifiers: values`, or a keyword list) into a predicate
 * over an {@link EventView}, with the prefilter requirement and the equality constraint the rule
 * index can use. Case-insensitive strings compare against the view's cached lower-case text.
 */
import { parseTime, type Result, fail, ok } from '@intersoc/core';
import { compileSafeRegex, requiredRegexLiterals } from '../regex/safe-regex.js';
import { cidrContains } from '../values/cidr.js';
import { compileGlob, type StringTest } from '../values/glob.js';
import type { ModifiedValues, TimePart, TypedValue } from '../values/modifiers.js';
import { hasWildcards, plainText, type SigmaString } from '../values/sigma-string.js';
import type { EventView, FieldStrings } from './event-view.js';
import {
  MIN_LITERAL,
  requireAll,
  requireAny,
  usableLiteral,
  type LiteralNeed,
  type Requirement,
} from './requirements.js';

/** A compiled predicate. */
export type Predicate = (ev: EventView) => boolean;

/** A compiled expression with what the index may learn from it. */
export interface Compiled {
  readonly test: Predicate;
  readonly req: Requirement;
  /** Fields whose value must be one of a set (lower-case), e.g. `EventID`. */
  readonly eq: ReadonlyMap<string, ReadonlySet<string>>;
}

const NO_EQ: ReadonlyMap<string, ReadonlySet<string>> = new Map();

function anyOf(v: FieldStrings, t: StringTest): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return t(v);
  for (const x of v) if (t(x)) return true;
  return false;
}

/** Test of one typed value against one event field. */
function valueTest(v: TypedValue, field: string, cased: boolean): Result<Predicate> {
  switch (v.t) {
    case 'str': {
      if (cased) {
        const t = compileGlob(v.s.parts);
        return ok((ev) => anyOf(ev.text(field), t));
      }
      const t = compileGlob(lowerParts(v.s));
      return ok((ev) => anyOf(ev.lower(field), t));
    }
    case 'null':
      return ok((ev) => {
        const r = ev.raw(field);
        return r === undefined || r === null;
      });
    case 're': {
      const re = compileSafeRegex(v.pattern, v);
      if (!re.ok) return re;
      const test = re.value.test;
      return ok((ev) => anyOf(ev.text(field), test));
    }
    case 'cidr': {
      const range = v.range;
      return ok((ev) => anyOf(ev.text(field), (s) => cidrContains(range, s)));
    }
    case 'cmp': {
      const n = v.n;
      const cmp = COMPARATORS[v.op];
      return ok((ev) => anyOf(ev.text(field), (s) => s.trim() !== '' && cmp(Number(s), n)));
    }
    case 'exists':
      return ok(v.b ? (ev) => ev.has(field) : (ev) => !ev.has(field));
    case 'fieldref': {
      const { field: ref, starts, ends } = v;
      const cmp = (a: string, b: string): boolean =>
        starts && ends ? a.includes(b) : starts ? a.startsWith(b) : ends ? a.endsWith(b) : a === b;
      const get = cased ? (ev: EventView, f: string) => ev.text(f) : (ev: EventView, f: string) => ev.lower(f);
      return ok((ev) => {
        const other = get(ev, ref);
        if (other === undefined || other === null) return false;
        const others = typeof other === 'string' ? [other] : other;
        return anyOf(get(ev, field), (a) => others.some((b) => cmp(a, b)));
      });
    }
    case 'time': {
      const { part, n } = v;
      return ok((ev) => anyOf(ev.text(field), (s) => timePart(s, part) === n));
    }
  }
}

const COMPARATORS: Record<'lt' | 'lte' | 'gt' | 'gte', (a: number, b: number) => boolean> = {
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
};

/** A date part of a timestamp value (UTC), or undefined when the value is no date. */
export function timePart(text: string, part: TimePart): number | undefined {
  const t = parseTime(text);
  if (t === undefined) return undefined;
  const d = new Date(t);
  switch (part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
    case 'week': {
      // ISO-8601 week: the week with the year's first Thursday is week 1.
      const day = (d.getUTCDay() + 6) % 7;
      const thursday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3);
      const yearStart = Date.UTC(new Date(thursday).getUTCFullYear(), 0, 1);
      return 1 + Math.floor((thursday - yearStart) / (7 * 86_400_000));
    }
  }
}

function lowerParts(s: SigmaString): SigmaString['parts'] {
  return s.parts.map((p) => (typeof p === 'string' ? p.toLowerCase() : p));
}

/** Longest literal of a value (case-folded), if long enough to index. */
function valueLiteral(v: TypedValue, cased: boolean): string[] | undefined {
  if (v.t === 're') {
    const lits = requiredRegexLiterals(v.pattern, MIN_LITERAL);
    return lits?.every(usableLiteral) ? lits : undefined;
  }
  if (v.t !== 'str') return undefined;
  let best = '';
  for (const p of v.s.parts) if (typeof p === 'string' && p.length > best.length) best = p;
  // Case-sensitive values fold the same way only for ASCII.
  if (!usableLiteral(best) || (cased && /[^\x00-\x7f]/.test(best))) return undefined;
  return [best.toLowerCase()];
}

function groupRequirement(group: readonly TypedValue[], fields: readonly string[], cased: boolean): Requirement {
  if (group.length === 0) return undefined;
  const needs: LiteralNeed[] = [];
  for (const v of group) {
    const lits = valueLiteral(v, cased);
    if (!lits) return undefined;
    for (const lit of lits) for (const field of fields) needs.push({ field, lit });
  }
  return needs;
}

/**
 * Compiles an item. `fields` are the event field names the rule field maps to (alternatives,
 * OR-linked); `null` is a keyword item that searches every field.
 */
export function compileItem(fields: readonly string[] | null, mv: ModifiedValues): Result<Compiled> {
  if (mv.groups.length === 0) return fail('a detection item has no values');
  const targets = fields ?? ['*'];
  const perField: Predicate[] = [];
  for (const field of targets) {
    const r = fields === null ? keywordPredicate(mv) : fieldPredicate(field, mv);
    if (!r.ok) return r;
    perField.push(r.value);
  }
  let test = orPredicates(perField);
  if (mv.negate) {
    const inner = test;
    test = (ev) => !inner(ev);
  }
  const groupReqs = mv.groups.map((g) => groupRequirement(g, targets, mv.cased));
  const req = mv.negate ? undefined : mv.all ? requireAll(groupReqs) : requireAny(groupReqs);
  let eq = NO_EQ;
  if (fields !== null && fields.length === 1 && mv.plainEquality && !mv.negate && (!mv.all || mv.groups.length === 1)) {
    const values = new Set<string>();
    let exact = true;
    for (const g of mv.groups)
      for (const v of g) {
        const text = v.t === 'str' ? plainText(v.s) : undefined;
        if (text === undefined) exact = false;
        else values.add(text.toLowerCase());
      }
    if (exact) eq = new Map([[fields[0] as string, values]]);
  }
  return ok({ test, req, eq });
}

function fieldPredicate(field: string, mv: ModifiedValues): Result<Predicate> {
  // Fast path: OR-linked case-insensitive strings fold into one test over the lowered value.
  const flat = mv.groups.flat();
  if (!mv.all && !mv.cased && flat.length > 0 && flat.every((v) => v.t === 'str')) {
    const t = stringsTest(flat.map((v) => (v as { s: SigmaString }).s));
    return ok((ev) => anyOf(ev.lower(field), t));
  }
  const groupTests: Predicate[] = [];
  for (const g of mv.groups) {
    const alts: Predicate[] = [];
    for (const v of g) {
      const r = valueTest(v, field, mv.cased);
      if (!r.ok) return r;
      alts.push(r.value);
    }
    groupTests.push(orPredicates(alts));
  }
  return ok(mv.all ? andPredicates(groupTests) : orPredicates(groupTests));
}

/** One test for many case-insensitive wildcard strings: exact ones share a Set. */
function stringsTest(values: readonly SigmaString[]): StringTest {
  const exact = new Set<string>();
  const others: StringTest[] = [];
  for (const s of values) {
    if (!hasWildcards(s)) exact.add(s.parts.join('').toLowerCase());
    else others.push(compileGlob(lowerParts(s)));
  }
  if (others.length === 0) {
    if (exact.size === 1) {
      const only = [...exact][0] as string;
      return (v) => v === only;
    }
    return (v) => exact.has(v);
  }
  if (exact.size === 0 && others.length === 1) return others[0] as StringTest;
  return (v) => {
    if (exact.has(v)) return true;
    for (const t of others) if (t(v)) return true;
    return false;
  };
}

function keywordPredicate(mv: ModifiedValues): Result<Predicate> {
  const groupTests: StringTest[] = [];
  for (const g of mv.groups) {
    const alts: StringTest[] = [];
    for (const v of g) {
      if (v.t === 're') {
        const re = compileSafeRegex(v.pattern, v);
        if (!re.ok) return re;
        alts.push(re.value.test);
      } else if (v.t === 'str') {
        // Keywords match anywhere in a value, like a full-text search.
        const parts = mv.cased ? v.s.parts : lowerParts(v.s);
        const wrapped = [0, ...parts, 0] as SigmaString['parts'];
        alts.push(compileGlob(dedupeStars(wrapped)));
      } else {
        return fail(`keyword values cannot be ${v.t === 'null' ? 'null' : `of type ${v.t}`}`);
      }
    }
    groupTests.push((s) => alts.some((t) => t(s)));
  }
  const useText = mv.cased || mv.groups.some((g) => g.some((v) => v.t === 're'));
  const matchesAnyField = (ev: EventView, t: StringTest): boolean => {
    for (const name of ev.fieldNames()) if (anyOf(useText ? ev.text(name) : ev.lower(name), t)) return true;
    return false;
  };
  if (mv.all) return ok((ev) => groupTests.every((t) => matchesAnyField(ev, t)));
  return ok((ev) => groupTests.some((t) => matchesAnyField(ev, t)));
}

function dedupeStars(parts: SigmaString['parts']): SigmaString['parts'] {
  const out: SigmaString['parts'][number][] = [];
  for (const p of parts) if (!(p === 0 && out[out.length - 1] === 0)) out.push(p);
  return out;
}

/** OR of predicates, unrolled for short lists. */
export function orPredicates(ps: readonly Predicate[]): Predicate {
  if (ps.length === 1) return ps[0] as Predicate;
  if (ps.length === 2) {
    const [a, b] = ps as [Predicate, Predicate];
    return (ev) => a(ev) || b(ev);
  }
  return (ev) => {
    for (const p of ps) if (p(ev)) return true;
    return false;
  };
}

/** AND of predicates, unrolled for short lists. */
export function andPredicates(ps: readonly Predicate[]): Predicate {
  if (ps.length === 1) return ps[0] as Predicate;
  if (ps.length === 2) {
    const [a, b] = ps as [Predicate, Predicate];
    return (ev) => a(ev) && b(ev);
  }
  return (ev) => {
    for (const p of ps) if (!p(ev)) return false;
    return true;
  };
}
