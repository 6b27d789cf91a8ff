/**
 * @module
 * Compiles a rule's `detection` section: each search identifier into a predicate (maps AND their
 * items, lists OR their elements), then the condition over them. The prefilter requirement and
 * the equality constraints propagate through AND/OR so the index learns, e.g., that a rule can
 * only match EventID 4624 or that it needs the literal `mimikatz` somewhere.
 */
import { fail, ok, type Result } from '@intersoc/core';
import { conditionReferences, parseCondition, resolveOfPattern, type ConditionNode } from '../condition/parse.js';
import { applyModifiers, type Placeholders, type RuleScalar } from '../values/modifiers.js';
import { andPredicates, compileItem, orPredicates, type Compiled, type Predicate } from './item.js';
import { requireAll, requireAny } from './requirements.js';

/** A YAML node of a detection section, with scalars as written. Maps keep their key order. */
export type RuleNode =
  | RuleScalar
  | { readonly kind: 'list'; readonly items: readonly RuleNode[] }
  | { readonly kind: 'map'; readonly entries: readonly (readonly [string, RuleNode])[] };

/** How rule field names become event field names (logsource field mappings). */
export type FieldResolver = (ruleField: string) => readonly string[];

/** Options for compiling detections. */
export interface DetectionOptions {
  readonly resolveField: FieldResolver;
  readonly placeholders: Placeholders;
}

/** A parsed detection: identifiers and conditions, before compilation for a logsource. */
export interface DetectionSource {
  readonly identifiers: ReadonlyMap<string, RuleNode>;
  readonly conditions: readonly ConditionNode[];
}

function isScalar(n: RuleNode): n is RuleScalar {
  return n.kind !== 'list' && n.kind !== 'map';
}

/** Parses the detection map: identifiers plus one or more condition strings (a list is OR). */
export function parseDetection(node: RuleNode): Result<DetectionSource> {
  if (node.kind !== 'map') return fail('detection must be a map');
  const identifiers = new Map<string, RuleNode>();
  let conditionNode: RuleNode | undefined;
  for (const [key, value] of node.entries) {
    if (key === 'condition') conditionNode = value;
    else if (key === 'timeframe')
      return fail('detection.timeframe is obsolete aggregation syntax: use a correlation rule');
    else identifiers.set(key, value);
  }
  if (conditionNode === undefined) return fail('detection has no condition');
  const texts: string[] = [];
  if (conditionNode.kind === 'str') texts.push(conditionNode.text);
  else if (conditionNode.kind === 'list' && conditionNode.items.every((i) => i.kind === 'str')) {
    for (const i of conditionNode.items) texts.push((i as { text: string }).text);
  } else return fail('detection.condition must be a string or a list of strings');
  if (texts.length === 0) return fail('detection.condition is empty');
  const names = [...identifiers.keys()];
  const conditions: ConditionNode[] = [];
  for (const text of texts) {
    const c = parseCondition(text);
    if (!c.ok) return c;
    const refs = conditionReferences(c.value);
    for (const id of refs.ids)
      if (!identifiers.has(id)) return fail(`condition names undefined search identifier "${id}"`);
    for (const p of refs.patterns) {
      if (resolveOfPattern(p, names).length === 0) {
        return fail(
          p === 'them'
            ? 'condition uses "them" but there is no search identifier'
            : `condition pattern "${p}" matches no search identifier`,
        );
      }
    }
    conditions.push(c.value);
  }
  return ok({ identifiers, conditions });
}

/** Compiles a parsed detection for one field resolution. */
export function compileDetection(src: DetectionSource, options: DetectionOptions): Result<Compiled> {
  const cache = new Map<string, Compiled>();
  const identifier = (name: string): Result<Compiled> => {
    const hit = cache.get(name);
    if (hit) return ok(hit);
    const node = src.identifiers.get(name);
    if (node === undefined) return fail(`undefined search identifier "${name}"`);
    const r = compileSelection(node, options);
    if (!r.ok) return fail(`search identifier "${name}": ${r.reason}`);
    cache.set(name, r.value);
    return r;
  };
  const names = [...src.identifiers.keys()];
  const compileNode = (n: ConditionNode): Result<Compiled> => {
    switch (n.t) {
      case 'id':
        return identifier(n.name);
      case 'not': {
        const inner = compileNode(n.arg);
        if (!inner.ok) return inner;
        const t = inner.value.test;
        return ok({ test: (ev) => !t(ev), req: undefined, eq: new Map() });
      }
      case 'and':
      case 'or': {
        const parts: Compiled[] = [];
        for (const a of n.args) {
          const r = compileNode(a);
          if (!r.ok) return r;
          parts.push(r.value);
        }
        return ok(n.t === 'and' ? allOf(parts) : anyOf(parts));
      }
      case 'of': {
        const parts: Compiled[] = [];
        for (const name of resolveOfPattern(n.pattern, names)) {
          const r = identifier(name);
          if (!r.ok) return r;
          parts.push(r.value);
        }
        if (n.quantifier === 'all') return ok(allOf(parts));
        if (n.quantifier === 1) return ok(anyOf(parts));
        return ok(atLeast(n.quantifier, parts));
      }
    }
  };
  const compiled: Compiled[] = [];
  for (const c of src.conditions) {
    const r = compileNode(c);
    if (!r.ok) return r;
    compiled.push(r.value);
  }
  return ok(anyOf(compiled));
}

function compileSelection(node: RuleNode, options: DetectionOptions): Result<Compiled> {
  if (node.kind === 'map') return compileMap(node.entries, options);
  if (isScalar(node)) return keywordItem([node], [], options);
  if (node.items.length === 0) return fail('an empty list matches nothing');
  const scalars = node.items.filter(isScalar);
  const parts: Compiled[] = [];
  if (scalars.length > 0) {
    const r = keywordItem(scalars, [], options);
    if (!r.ok) return r;
    parts.push(r.value);
  }
  for (const item of node.items) {
    if (item.kind === 'map') {
      const r = compileMap(item.entries, options);
      if (!r.ok) return r;
      parts.push(r.value);
    } else if (item.kind === 'list') {
      return fail('nested lists are not valid in a search identifier');
    }
  }
  return ok(anyOf(parts));
}

function compileMap(entries: readonly (readonly [string, RuleNode])[], options: DetectionOptions): Result<Compiled> {
  if (entries.length === 0) return fail('an empty map matches nothing');
  const parts: Compiled[] = [];
  for (const [key, value] of entries) {
    const [field = '', ...modifiers] = key.split('|');
    let values: RuleScalar[];
    if (isScalar(value)) values = [value];
    else if (value.kind === 'list' && value.items.every(isScalar)) values = value.items as RuleScalar[];
    else return fail(`field "${key}" has a nested map or list as value`);
    if (values.length === 0) return fail(`field "${key}" has an empty list of values`);
    const r = field === '' ? keywordItem(values, modifiers, options) : fieldItem(field, modifiers, values, options);
    if (!r.ok) return fail(`${key}: ${r.reason}`);
    parts.push(r.value);
  }
  return ok(allOf(parts));
}

function fieldItem(
  field: string,
  modifiers: readonly string[],
  values: readonly RuleScalar[],
  options: DetectionOptions,
): Result<Compiled> {
  const mv = applyModifiers(modifiers, values, options.placeholders);
  if (!mv.ok) return mv;
  return compileItem(options.resolveField(field), mv.value);
}

function keywordItem(
  values: readonly RuleScalar[],
  modifiers: readonly string[],
  options: DetectionOptions,
): Result<Compiled> {
  const mv = applyModifiers(modifiers, values, options.placeholders);
  if (!mv.ok) return mv;
  return compileItem(null, mv.value);
}

function mergeEq(parts: readonly Compiled[], mode: 'and' | 'or'): Map<string, ReadonlySet<string>> {
  const out = new Map<string, ReadonlySet<string>>();
  if (mode === 'and') {
    for (const p of parts)
      for (const [f, vals] of p.eq) {
        const cur = out.get(f);
        out.set(f, cur ? new Set([...cur].filter((v) => vals.has(v))) : vals);
      }
    return out;
  }
  const first = parts[0];
  if (!first) return out;
  for (const [f] of first.eq) {
    if (parts.every((p) => p.eq.has(f))) {
      const u = new Set<string>();
      for (const p of parts) for (const v of p.eq.get(f) ?? []) u.add(v);
      out.set(f, u);
    }
  }
  return out;
}

/** AND of compiled parts. */
export function allOf(parts: readonly Compiled[]): Compiled {
  if (parts.length === 1) return parts[0] as Compiled;
  return {
    test: andPredicates(parts.map((p) => p.test)),
    req: requireAll(parts.map((p) => p.req)),
    eq: mergeEq(parts, 'and'),
  };
}

/** OR of compiled parts. */
export function anyOf(parts: readonly Compiled[]): Compiled {
  if (parts.length === 1) return parts[0] as Compiled;
  return {
    test: orPredicates(parts.map((p) => p.test)),
    req: requireAny(parts.map((p) => p.req)),
    eq: mergeEq(parts, 'or'),
  };
}

function atLeast(n: number, parts: readonly Compiled[]): Compiled {
  const tests: Predicate[] = parts.map((p) => p.test);
  return {
    test: (ev) => {
      let c = 0;
      for (const t of tests) if (t(ev) && ++c >= n) return true;
      return false;
    },
    req: requireAny(parts.map((p) => p.req)),
    eq: new Map(),
  };
}
