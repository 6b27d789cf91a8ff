/**
 * @module
 * Resolves correlation rules: references (by id or name) to base rules or other correlations,
 * chains without cycles, aliases per referenced rule, and which rules still alert on their own
 * (`generate`).
 */
import type { Severity } from '@intersoc/core';
import type { CorrelationDocument, CorrelationOp, CorrelationType, Rejection, SigmaMeta } from '../parse/documents.js';
import { attackFromTags } from '../ruleset/attack.js';

/** A resolved correlation rule. */
export interface CompiledCorrelation {
  readonly key: string;
  readonly id?: string;
  readonly name?: string;
  readonly title: string;
  readonly level: Severity;
  readonly meta: SigmaMeta;
  readonly type: CorrelationType;
  readonly timespanMs: number;
  readonly groupBy: readonly string[];
  /** Keys of the referenced rules or correlations, in the order written. */
  readonly refs: readonly string[];
  /** alias → (referenced key → field). */
  readonly aliases: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly condition: readonly { readonly op: CorrelationOp; readonly value: number }[];
  readonly field: readonly string[];
  readonly percentile?: number;
  readonly generate: boolean;
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly path: string;
  /** False when another correlation consumes it without `generate`. */
  readonly alert: boolean;
}

/** Something a correlation can reference. */
export interface Referable {
  readonly key: string;
  readonly id?: string | undefined;
  readonly name?: string | undefined;
}

/** Key of a rule or correlation: its id, else `title:<title>`. */
export function ruleKey(meta: SigmaMeta): string {
  return meta.id ?? `title:${meta.title}`;
}

/**
 * Resolves correlations against the loaded base rules. Returns the usable ones, the rejected
 * ones, and the set of keys that must not alert on their own.
 */
export function resolveCorrelations(
  docs: readonly CorrelationDocument[],
  baseRules: readonly Referable[],
  levelOf: (key: string, own: Severity | undefined) => Severity,
): { correlations: CompiledCorrelation[]; rejected: Rejection[]; silenced: Set<string> } {
  const rejected: Rejection[] = [];
  const lookup = new Map<string, string>();
  const register = (r: Referable): void => {
    lookup.set(r.key, r.key);
    if (r.id) lookup.set(r.id, r.key);
    if (r.name) lookup.set(r.name, r.key);
  };
  baseRules.forEach(register);
  for (const d of docs) register({ key: ruleKey(d.meta), id: d.meta.id, name: d.meta.name });
  const byKey = new Map(docs.map((d) => [ruleKey(d.meta), d]));
  const resolved = new Map<string, CompiledCorrelation>();
  const failed = new Set<string>();
  const visiting = new Set<string>();
  const reject = (d: CorrelationDocument, reason: string): void => {
    failed.add(ruleKey(d.meta));
    rejected.push({
      path: d.origin.path,
      index: d.origin.index,
      title: d.meta.title,
      ...(d.meta.id ? { id: d.meta.id } : {}),
      reason,
    });
  };
  const resolve = (d: CorrelationDocument): boolean => {
    const key = ruleKey(d.meta);
    if (resolved.has(key)) return true;
    if (failed.has(key)) return false;
    if (visiting.has(key)) {
      reject(d, 'correlation chain has a cycle');
      return false;
    }
    visiting.add(key);
    const refs: string[] = [];
    for (const r of d.rules) {
      const k = lookup.get(r);
      if (k === undefined) {
        visiting.delete(key);
        reject(d, `references unknown rule "${r}"`);
        return false;
      }
      const inner = byKey.get(k);
      if (inner && !resolve(inner)) {
        visiting.delete(key);
        if (!failed.has(key)) reject(d, `references rejected correlation "${r}"`);
        return false;
      }
      refs.push(k);
    }
    visiting.delete(key);
    const aliases = new Map<string, Map<string, string>>();
    for (const [alias, mapping] of d.aliases) {
      const m = new Map<string, string>();
      for (const [ref, field] of mapping) {
        const k = lookup.get(ref);
        if (k === undefined) {
          reject(d, `alias "${alias}" names unknown rule "${ref}"`);
          return false;
        }
        m.set(k, field);
      }
      aliases.set(alias, m);
    }
    const { tactics, techniques } = attackFromTags(d.meta.tags);
    resolved.set(key, {
      key,
      ...(d.meta.id ? { id: d.meta.id } : {}),
      ...(d.meta.name ? { name: d.meta.name } : {}),
      title: d.meta.title,
      level: levelOf(key, d.meta.level),
      meta: d.meta,
      type: d.type,
      timespanMs: d.timespanMs,
      groupBy: d.groupBy,
      refs,
      aliases,
      condition: d.condition,
      field: d.field,
      ...(d.percentile === undefined ? {} : { percentile: d.percentile }),
      generate: d.generate,
      tactics,
      techniques,
      path: d.origin.path,
      alert: true,
    });
    return true;
  };
  for (const d of docs) resolve(d);
  // A referenced rule alerts on its own only if some referencing correlation sets `generate`.
  const referenced = new Map<string, boolean>();
  for (const c of resolved.values())
    for (const r of c.refs) referenced.set(r, (referenced.get(r) ?? false) || c.generate);
  const silenced = new Set<string>();
  for (const [k, gen] of referenced) if (!gen) silenced.add(k);
  const correlations = [...resolved.values()].map((c) => (silenced.has(c.key) ? { ...c, alert: false } : c));
  return { correlations, rejected, silenced };
}
