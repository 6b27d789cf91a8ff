/**
 * @module
 * Public shapes of a compiled rule set: rules with their metadata, matches, tuning.
 */
import type { Severity } from '@intersoc/core';
import type { Logsource, SigmaMeta } from '../parse/documents.js';

/** A loaded detection rule (its matchers live in the rule set's index). */
export interface CompiledRule {
  /** Stable key: the rule id, else `title:<title>`. Tuning and correlation state use it. */
  readonly key: string;
  readonly id?: string;
  readonly name?: string;
  readonly title: string;
  /** Severity after tuning (the rule's `level`, default `medium`). */
  readonly level: Severity;
  readonly meta: SigmaMeta;
  readonly logsource: Logsource;
  /** ATT&CK tactics (`credential-access`) and technique ids (`T1003.001`) from the tags. */
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly path: string;
  /** False when the rule only feeds correlations (`generate: false`). */
  readonly alert: boolean;
  /** Meta filters applied to it (their titles). */
  readonly filters: readonly string[];
  /** Variants (logsource alternatives), for display. */
  readonly variants: readonly string[];
}

/** One rule matching one event. */
export interface RuleMatch {
  readonly rule: CompiledRule;
}

/** Per-tenant tuning, stored as data by the node. */
export interface RuleTuning {
  /** Rule keys (ids) that are switched off. */
  readonly disabled?: readonly string[];
  /** Rule key → level to use instead of the rule's own. */
  readonly levels?: Readonly<Record<string, Severity>>;
  /** Lowest level that produces alerts (rules below still feed correlations). */
  readonly minLevel?: Severity;
}
