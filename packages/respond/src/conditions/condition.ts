/**
 * @module
 * Conditions of `if-condition` and `while-condition` steps are STIX patterns (CACAO 4.7, 4.8).
 * They are parsed and evaluated by the node's own pattern matcher (`@intersoc/cti`), the one that
 * passes the OASIS matcher suite. The playbook's variables are the observation: one object of
 * type `variable` whose properties are the variables in scope, so
 * `[variable:__approved__ = 'true']` tests `__approved__`. Numeric variable types compare as
 * numbers (`[variable:__hits__ > 3]`), everything else as text.
 */
import { comparisons, matchPattern, observationOf, parsePattern, type Pattern } from '@intersoc/cti';
import { fail, ok, type Result } from '@intersoc/core';

/** The object type conditions test. */
export const VARIABLE_OBJECT = 'variable';

/** A parsed condition. */
export interface Condition {
  readonly source: string;
  readonly pattern: Pattern;
  /** Variable names the condition reads (properties of `variable`). */
  readonly variables: readonly string[];
  /** Object types other than `variable` the condition tests (never true inside a playbook). */
  readonly otherTypes: readonly string[];
}

/** Parses a condition; the reason names the position of a syntax error. */
export function parseCondition(source: string): Result<Condition> {
  const r = parsePattern(source);
  if (!r.ok)
    return fail(`not a valid STIX pattern: ${r.reason.message} (line ${r.reason.line}, column ${r.reason.column})`);
  const variables = new Set<string>();
  const other = new Set<string>();
  for (const c of comparisons(r.value.root)) {
    if (c.path.objectType !== VARIABLE_OBJECT) {
      other.add(c.path.objectType);
      continue;
    }
    const first = c.path.steps[0];
    if (first?.kind === 'key') variables.add(first.key);
  }
  return ok({ source, pattern: r.value, variables: [...variables], otherTypes: [...other] });
}

/** A variable's value as the matcher sees it. */
export interface TypedValue {
  readonly type: string;
  readonly value: string | null | undefined;
}

const NUMERIC = new Set(['integer', 'long', 'float']);

/** The observed object for a set of variables. */
export function variableObject(vars: ReadonlyMap<string, TypedValue>): Record<string, unknown> {
  const o: Record<string, unknown> = { type: VARIABLE_OBJECT };
  for (const [name, v] of vars) {
    if (v.value === null || v.value === undefined) continue;
    const n = Number(v.value);
    o[name] = NUMERIC.has(v.type) && v.value.trim() !== '' && Number.isFinite(n) ? n : v.value;
  }
  return o;
}

/** Evaluates a condition over the variables in scope; an evaluation error is a failure with its reason. */
export function evaluateCondition(
  c: Condition,
  vars: ReadonlyMap<string, TypedValue>,
  now = Date.now(),
): Result<boolean> {
  const observation = observationOf(new Map([['0', variableObject(vars)]]), now);
  const m = matchPattern(c.pattern, [observation]);
  if (m.error !== undefined) return fail(`condition ${c.source} cannot be evaluated: ${m.error}`);
  return ok(m.matched);
}
