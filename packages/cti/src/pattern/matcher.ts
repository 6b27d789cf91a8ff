/**
 * @module
 * Evaluation of STIX patterns over observations. Inside `[...]`, comparisons on one object type
 * joined by AND must hold for the same object; observation operators and qualifiers follow the
 * OASIS reference matcher (`bindings.ts`). Works on any object type, custom included.
 */
import type { Comparison, ComparisonExpression, ObservationExpression, Pattern, Qualifier } from './ast.js';
import { inWindow, join, repeats, within, type Binding, type Interval } from './bindings.js';
import { resolvePath, testValues } from './compare.js';
import type { Observation, ObservedObject } from './observation.js';
import { MatchDataError } from './values.js';

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
  /**
   * Set when the observed data holds a value the pattern cannot be evaluated on (a malformed
   * timestamp compared with a timestamp literal, bad hex or base64); `matched` is then false.
   */
  readonly error?: string;
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
  // An observed-data seen n times is n observations, each of which can be bound once.
  const owner: number[] = [];
  const times: Interval[] = [];
  observations.forEach((o, i) => {
    const n = Number.isInteger(o.count) && o.count > 0 ? o.count : 1;
    for (let k = 0; k < n; k++) {
      owner.push(i);
      times.push({ first: o.first, last: o.last });
    }
  });
  const ctx: Ctx = { observations, owner, times, max: options.maxBindings ?? 10_000 };
  try {
    const first = evalObservation(pattern.root, ctx)[0];
    if (!first) return { matched: false, observations: [] };
    return { matched: true, observations: [...new Set(first.map((i) => owner[i] as number))].sort((a, b) => a - b) };
  } catch (err) {
    if (err instanceof MatchDataError) return { matched: false, observations: [], error: err.message };
    throw err;
  }
}

/** True when the comparison part (inside brackets) of an expression holds for one observation. */
export function matchesObservation(expr: ComparisonExpression, observation: Observation): boolean {
  try {
    return evalComparison(expr, observation) !== undefined;
  } catch (err) {
    if (err instanceof MatchDataError) return false;
    throw err;
  }
}

interface Ctx {
  readonly observations: readonly Observation[];
  /** Expanded observation index → index in `observations`. */
  readonly owner: readonly number[];
  readonly times: readonly Interval[];
  readonly max: number;
}

function evalObservation(e: ObservationExpression, ctx: Ctx): Binding[] {
  switch (e.kind) {
    case 'observation': {
      const hits = ctx.observations.map((o) => evalComparison(e.comparison, o) !== undefined);
      const out: Binding[] = [];
      for (let k = 0; k < ctx.owner.length && out.length < ctx.max; k++)
        if (hits[ctx.owner[k] as number]) out.push([k]);
      return out;
    }
    case 'or': {
      const out: Binding[] = [];
      for (const op of e.operands) for (const b of evalObservation(op, ctx)) if (out.length < ctx.max) out.push(b);
      return out;
    }
    case 'and':
    case 'followedby': {
      let acc = evalObservation(e.operands[0] as ObservationExpression, ctx);
      for (const op of e.operands.slice(1)) {
        if (acc.length === 0) break;
        acc = join(acc, evalObservation(op, ctx), ctx.times, e.kind === 'followedby', ctx.max);
      }
      return acc;
    }
    case 'qualified':
      return qualify(evalObservation(e.expression, ctx), e.qualifier, ctx);
    default:
      return [];
  }
}

function qualify(bindings: Binding[], q: Qualifier, ctx: Ctx): Binding[] {
  const intervals = (b: Binding): Interval[] => b.map((i) => ctx.times[i] as Interval);
  switch (q.kind) {
    case 'within':
      return bindings.filter((b) => within(intervals(b), q.seconds * 1000));
    case 'startstop':
      return bindings.filter((b) => intervals(b).every((i) => inWindow(i, q.start, q.stop)));
    case 'repeats':
      return repeats(bindings, q.times, ctx.max);
    default:
      return bindings;
  }
}

/** Per object type, the keys of objects satisfying the expression; undefined when unsatisfied. */
type TypeMatches = Map<string, Set<string>>;

const pathTexts = new WeakMap<Comparison, string>();

/** A comparison's path as text, so comparisons on one path share its resolved values. */
function pathText(c: Comparison): string {
  let t = pathTexts.get(c);
  if (t === undefined) {
    t = JSON.stringify(c.path.steps);
    pathTexts.set(c, t);
  }
  return t;
}

/**
 * What evaluations over an observation learn once: its root keys by object type, and the values
 * of each path per object (comparisons and indicators often share a path). Kept per observation,
 * which is therefore treated as immutable once built.
 */
interface Resolved {
  byType?: Map<string, string[]>;
  readonly values: Map<ObservedObject, Map<string, unknown[]>>;
}

function rootsOfType(o: Observation, type: string, r: Resolved): readonly string[] {
  if (!r.byType) {
    r.byType = new Map();
    for (const key of o.roots) {
      const t = o.objects.get(key)?.['type'];
      if (typeof t !== 'string') continue;
      const list = r.byType.get(t);
      if (list) list.push(key);
      else r.byType.set(t, [key]);
    }
  }
  return r.byType.get(type) ?? [];
}

function valuesOf(obj: ObservedObject, c: Comparison, o: Observation, r: Resolved): unknown[] {
  const resolved = r.values;
  let byPath = resolved.get(obj);
  if (!byPath) resolved.set(obj, (byPath = new Map()));
  const key = pathText(c);
  let values = byPath.get(key);
  if (values === undefined) {
    values = resolvePath(obj, c.path.steps, (ref) => o.objects.get(ref));
    byPath.set(key, values);
  }
  return values;
}

const learned = new WeakMap<Observation, Resolved>();

function resolvedOf(o: Observation): Resolved {
  let r = learned.get(o);
  if (!r) learned.set(o, (r = { values: new Map() }));
  return r;
}

function evalComparison(e: ComparisonExpression, o: Observation, resolved = resolvedOf(o)): TypeMatches | undefined {
  if (e.kind === 'comparison') {
    const type = e.path.objectType;
    let hits: Set<string> | undefined;
    for (const key of rootsOfType(o, type, resolved)) {
      const obj = o.objects.get(key) as ObservedObject;
      if (testValues(e, valuesOf(obj, e, o, resolved), type)) (hits ??= new Set()).add(key);
    }
    return hits ? new Map([[type, hits]]) : undefined;
  }
  if (e.kind === 'or') {
    let acc: TypeMatches | undefined;
    for (const op of e.operands) {
      const r = evalComparison(op, o, resolved);
      if (!r) continue;
      if (!acc) {
        acc = r;
        continue;
      }
      for (const [t, keys] of r) {
        const cur = acc.get(t);
        if (cur) keys.forEach((k) => cur.add(k));
        else acc.set(t, keys);
      }
    }
    return acc;
  }
  let acc: TypeMatches | undefined;
  for (const op of e.operands) {
    const r = evalComparison(op, o, resolved);
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
