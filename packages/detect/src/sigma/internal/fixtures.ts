/**
 * @module
 * Helpers for the engine's behaviour tests: compile a rule from YAML text and match hand-made
 * events against it.
 */
import type { FlatFields } from '@intersoc/core';
import { parseSigmaText, type SigmaDocument } from '../parse/documents.js';
import { buildRuleSet, type BuildResult, type RuleSetOptions } from '../ruleset/rule-set.js';

/** Parses YAML and builds a rule set; throws on any rejection so tests see the reason. */
export function ruleSetFrom(yaml: string, options: RuleSetOptions = {}): BuildResult {
  const docs: SigmaDocument[] = [];
  for (const r of parseSigmaText(yaml, 'test.yml')) {
    if (!r.ok) throw new Error(r.rejection.reason);
    docs.push(r.doc);
  }
  const built = buildRuleSet(docs, options);
  const first = built.rejected[0];
  if (first) throw new Error(first.reason);
  return built;
}

/** The reason a rule is rejected (parse or compile), or undefined when it loads. */
export function rejectionOf(yaml: string, options: RuleSetOptions = {}): string | undefined {
  const docs: SigmaDocument[] = [];
  for (const r of parseSigmaText(yaml, 'test.yml')) {
    if (!r.ok) return r.rejection.reason;
    docs.push(r.doc);
  }
  return buildRuleSet(docs, options).rejected[0]?.reason;
}

/** A one-rule matcher over a detection block (YAML, indented by 4) with an empty logsource. */
export function detectionMatcher(detection: string, options: RuleSetOptions = {}): (fields: FlatFields) => boolean {
  const yaml = `title: t\nid: 00000000-0000-4000-8000-000000000001\nlogsource: {}\ndetection:\n${detection}`;
  const { ruleSet } = ruleSetFrom(yaml, options);
  return (fields) => ruleSet.match({ fields }).length > 0;
}
