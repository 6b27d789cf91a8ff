/**
 * @module
 * Meta filters, applied the way pySigma applies them: a filter whose logsource contains the
 * rule's (every attribute the filter names equals the rule's) and whose `rules` list names the
 * rule (by id or name, or `any`) adds its condition to the rule's: `(rule) and (filter)`. The
 * filter condition therefore says what to keep (`not selection` removes matches).
 */
import type { ConditionNode } from '../condition/parse.js';
import type { RuleNode } from '../compile/detection.js';
import type { FilterDocument, RuleDocument } from '../parse/documents.js';

/** True when the filter applies to the rule. */
export function filterApplies(filter: FilterDocument, rule: RuleDocument): boolean {
  for (const a of ['category', 'product', 'service'] as const) {
    const f = filter.logsource[a];
    if (f !== undefined && f !== rule.logsource[a]) return false;
  }
  if (filter.rules === 'any') return true;
  return filter.rules.some((r) => r === rule.meta.id || (rule.meta.name !== undefined && r === rule.meta.name));
}

function rename(node: ConditionNode, prefix: string): ConditionNode {
  switch (node.t) {
    case 'id':
      return { t: 'id', name: prefix + node.name };
    case 'not':
      return { t: 'not', arg: rename(node.arg, prefix) };
    case 'and':
    case 'or':
      return { t: node.t, args: node.args.map((a) => rename(a, prefix)) };
    case 'of':
      // `them` inside a filter means the filter's own identifiers.
      return { t: 'of', quantifier: node.quantifier, pattern: prefix + (node.pattern === 'them' ? '*' : node.pattern) };
  }
}

/** The rule with the filters' identifiers and conditions added. */
export function applyFilters(rule: RuleDocument, filters: readonly FilterDocument[]): RuleDocument {
  if (filters.length === 0) return rule;
  const identifiers = new Map<string, RuleNode>(rule.detection.identifiers);
  const extra: ConditionNode[] = [];
  filters.forEach((f, i) => {
    // A prefix no rule identifier uses; identifiers starting with `_` stay out of `them`.
    const prefix = `_mf${i}_`;
    for (const [name, node] of f.detection.identifiers) identifiers.set(prefix + name, node);
    const conds = f.detection.conditions.map((c) => rename(c, prefix));
    extra.push(conds.length === 1 ? (conds[0] as ConditionNode) : { t: 'or', args: conds });
  });
  const conditions = rule.detection.conditions.map((c): ConditionNode => ({ t: 'and', args: [c, ...extra] }));
  return { ...rule, detection: { identifiers, conditions } };
}
