/**
 * @module
 * Evaluation of STIX patterns over observations. Inside `[...]`, comparisons on one object type
 * joined by AND must hold for the same object; observation operators combine distinct
 * observations (AND, OR, FOLLOWEDBY), and qualifiers filter the combinations by time span
 * (WITHIN), count (REPEATS) and window (START/STOP). Works on any object type, custom included.
 */
import type { ComparisonExpression, ObservationExpression, Pattern, Qualifier } from './ast.js';
import { resolvePath, testValues } from './compare.js';
import type { Observation, ObservedObject } from './observation.js';

/** Matching options. */
export interface MatchOptions {
  /** Cap on partial matches kept per sub-expression, bounding work on large inputs. */
  readonly maxBindings?: number;
}

/** Result of matching: whether it matched, and the observations of the first full match. */
export interface MatchResult {
  readonly matched: boolean;
  /** Indexes into the observation list. */
  readonly observations: readonly number[];
}

/** A partial match: observation indexes and their time span. */
interface Binding {
  readonly obs: readonly number[];
  readonly first: number;
  readonly last: number;
}

/**
 * Matches a parsed pattern against observations.
 *
 * @example
 * const p = parsePattern("[file:name = 'a.exe']"); if (p.ok) matchPattern(p.value, observationsFromObjects(bundle.objects));
 */
export function matchPattern(
  pattern: Pattern,
  observations: readonly Observation[],
  options: MatchOptions = {},
): MatchResult {
  const ctx: Ctx = { observations, max: options.maxBindings ?? 10_000 };
  const bindings = evalObservation(pattern.root, ctx);
  const first = bindings[0];
  return first
    ? { matched: true, observations: [...first.obs].sort((a, b) => a - b) }
    : { matched: false, observations: [] };
}

/** True when the comparison part (inside brackets) of an expression holds for one observation. */
export function matchesObservation(expr: ComparisonExpression, observation: Observation): boolean {
  return evalComparison(expr, observation) !== undefined;
}

interface Ctx {
  readonly observations: readonly Observation[];
  readonly max: number;
}

function evalObservation(e: ObservationExpression, ctx: Ctx): Binding[] {
  switch (e.kind) {
    case 'observation': {
      const out: Binding[] = [];
      ctx.observations.forEach((o, i) => {
        if (out.length < ctx.max && evalComparison(e.comparison, o) !== undefined) {
          out.push({ obs: [i], first: o.first, last: o.last });
        }
      });
      return out;
    }
    case 'or': {
      const out: Binding[] = [];
      for (const op of e.operands) {
        for (const b of evalObservation(op, ctx)) if (out.length < ctx.max) out.push(b);
      }
      return out;
    }
    case 'and':
    case 'followedby': {
      let acc = evalObservation(e.operands[0] as ObservationExpression, ctx);
      for (const op of e.operands.slice(1)) {
        const right = evalObservation(op, ctx);
        acc = combine(acc, right, ctx.max, e.kind === 'followedby');
        if (acc.length === 0) break;
      }
      return acc;
    }
    case 'qualified':
      return qualify(evalObservation(e.expression, ctx), e.qualifier, ctx);
    default:
      return [];
  }
}

function combine(left: readonly Binding[], right: readonly Binding[], max: number, ordered: boolean): Binding[] {
  const out: Binding[] = [];
  for (const a of left) {
    for (const b of right) {
      if (out.length >= max) return out;
      if (a.obs.some((i) => b.obs.includes(i))) continue;
      // FOLLOWEDBY: everything on the right starts at or after everything on the left.
      if (ordered && b.first < a.last) continue;
      out.push({ obs: [...a.obs, ...b.obs], first: Math.min(a.first, b.first), last: Math.max(a.last, b.last) });
    }
  }
  return out;
}

function qualify(bindings: Binding[], q: Qualifier, ctx: Ctx): Binding[] {
  switch (q.kind) {
    case 'within':
      return bindings.filter((b) => b.last - b.first <= q.seconds * 1000);
    case 'startstop':
      return bindings.filter((b) => b.first >= q.start && b.last < q.stop);
    case 'repeats': {
      let acc: Binding[] = bindings;
      for (let i = 1; i < q.times; i++) {
        acc = combine(acc, bindings, ctx.max, false).filter((b) => isSorted(b.obs));
        if (acc.length === 0) break;
      }
      return acc;
    }
    default:
      return bindings;
  }
}

/** Repeats are unordered sets; keep one ordering to avoid counting permutations. */
function isSorted(xs: readonly number[]): boolean {
  for (let i = 1; i < xs.length; i++) if ((xs[i] as number) < (xs[i - 1] as number)) return false;
  return true;
}

/** Per object type, the keys of objects satisfying the expression; undefined when unsatisfied. */
type TypeMatches = Map<string, Set<string>>;

function evalComparison(e: ComparisonExpression, o: Observation): TypeMatches | undefined {
  if (e.kind === 'comparison') {
    const type = e.path.objectType;
    const hits = new Set<string>();
    const lookup = (ref: string): ObservedObject | undefined => o.objects.get(ref);
    for (const key of o.roots) {
      const obj = o.objects.get(key);
      if (!obj || obj['type'] !== type) continue;
      if (testValues(e, resolvePath(obj, e.path.steps, lookup), type)) hits.add(key);
    }
    return hits.size > 0 ? new Map([[type, hits]]) : undefined;
  }
  if (e.kind === 'or') {
    let acc: TypeMatches | undefined;
    for (const op of e.operands) {
      const r = evalComparison(op, o);
      if (!r) continue;
      acc ??= new Map();
      for (const [t, keys] of r) {
        const cur = acc.get(t);
        if (cur) keys.forEach((k) => cur.add(k));
        else acc.set(t, new Set(keys));
      }
    }
    return acc;
  }
  let acc: TypeMatches | undefined;
  for (const op of e.operands) {
    const r = evalComparison(op, o);
    if (!r) return undefined;
    if (!acc) {
      acc = r;
      continue;
    }
    for (const [t, keys] of r) {
      const cur = acc.get(t);
      if (!cur) {
        acc.set(t, keys);
        continue;
      }
      // Same type on both sides of AND: the same object must satisfy both.
      const both = new Set([...cur].filter((k) => keys.has(k)));
      if (both.size === 0) return undefined;
      acc.set(t, both);
    }
  }
  return acc;
}
