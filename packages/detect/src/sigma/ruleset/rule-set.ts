/**
 * @module
 * Building an immutable, compiled rule set from Sigma documents: filters applied, every rule
 * compiled once per logsource variant, correlations resolved, tuning (disabled rules, level
 * overrides) applied, all indexed. A rule set never changes after it is built, so the pipeline
 * swaps a new one in between two batches (hot reload) without locking or dropping events.
 */
import { SEVERITIES, type Severity } from '@intersoc/core';
import { compileDetection } from '../compile/detection.js';
import { EventView, type SigmaEventInput } from '../compile/event-view.js';
import type { FieldCondition, LogsourceMapping } from '../logsource/mapping.js';
import { builtinMapping, resolveLogsource } from '../logsource/mapping.js';
import type {
  CorrelationDocument,
  FilterDocument,
  Rejection,
  RuleDocument,
  SigmaDocument,
} from '../parse/documents.js';
import type { Placeholders } from '../values/modifiers.js';
import { resolveCorrelations, ruleKey, type CompiledCorrelation } from '../correlation/compile.js';
import { attackFromTags } from './attack.js';
import { applyFilters, filterApplies } from './filters.js';
import { RuleIndex, type IndexedVariant } from './rule-index.js';
import type { CompiledRule, RuleTuning } from './types.js';

/** Options for building a rule set. */
export interface RuleSetOptions {
  /** Logsource mapping; the built-in one by default. */
  readonly mapping?: LogsourceMapping;
  /** Placeholder values for `|expand`. Rules with unresolved placeholders are rejected. */
  readonly placeholders?: Placeholders;
  readonly tuning?: RuleTuning;
}

/** Outcome of building: the rule set and the documents that could not be used. */
export interface BuildResult {
  readonly ruleSet: SigmaRuleSet;
  readonly rejected: readonly Rejection[];
  /** Rules left out because tuning disables them. */
  readonly disabled: readonly string[];
}

function intersect(
  a: ReadonlyMap<string, FieldCondition>,
  b: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, FieldCondition> | undefined {
  const out = new Map(a);
  for (const [f, vals] of b) {
    const cur = out.get(f);
    if (cur === undefined || cur === '*') out.set(f, vals);
    else {
      const both = new Set([...cur].filter((v) => vals.has(v)));
      if (both.size === 0) return undefined;
      out.set(f, both);
    }
  }
  return out;
}

/** A compiled, indexed, immutable set of rules and correlations. */
export class SigmaRuleSet {
  readonly rules: readonly CompiledRule[];
  readonly correlations: readonly CompiledCorrelation[];
  /** Keys of the rules some correlation consumes. */
  readonly correlationSources: ReadonlySet<string>;
  private readonly index: RuleIndex;
  private readonly variantCount: number;

  /** @internal Use {@link buildRuleSet}. */
  constructor(
    rules: readonly CompiledRule[],
    correlations: readonly CompiledCorrelation[],
    index: RuleIndex,
    variantCount: number,
  ) {
    this.rules = rules;
    this.correlations = correlations;
    this.correlationSources = new Set(correlations.flatMap((c) => c.refs));
    this.index = index;
    this.variantCount = variantCount;
  }

  /** Rules matching one event (including rules that only feed correlations). */
  match(event: SigmaEventInput | EventView): CompiledRule[] {
    return this.index.match(event instanceof EventView ? event : new EventView(event));
  }

  /** Counts for reports. */
  stats(): { rules: number; variants: number; correlations: number; buckets: number } {
    return {
      rules: this.rules.length,
      variants: this.variantCount,
      correlations: this.correlations.length,
      buckets: this.index.bucketCount,
    };
  }
}

function rejection(d: SigmaDocument, reason: string): Rejection {
  return {
    path: d.origin.path,
    index: d.origin.index,
    title: d.meta.title,
    ...(d.meta.id ? { id: d.meta.id } : {}),
    reason,
  };
}

/** Compiles documents into a rule set. */
export function buildRuleSet(documents: readonly SigmaDocument[], options: RuleSetOptions = {}): BuildResult {
  const mapping = options.mapping ?? builtinMapping();
  const placeholders = options.placeholders ?? {};
  const tuning = options.tuning ?? {};
  const disabledKeys = new Set(tuning.disabled ?? []);
  const levelOf = (key: string, own: Severity | undefined): Severity => tuning.levels?.[key] ?? own ?? 'medium';
  const minLevel = SEVERITIES.indexOf(tuning.minLevel ?? 'informational');

  const ruleDocs: RuleDocument[] = [];
  const correlationDocs: CorrelationDocument[] = [];
  const filterDocs: FilterDocument[] = [];
  for (const d of documents) {
    if (d.kind === 'rule') ruleDocs.push(d);
    else if (d.kind === 'correlation') correlationDocs.push(d);
    else filterDocs.push(d);
  }
  const rejected: Rejection[] = [];
  const disabled: string[] = [];
  const seenKeys = new Set<string>();
  const logsourceCache = new Map<string, ReturnType<typeof resolveLogsource>>();
  const compiledRules: {
    rule: CompiledRule;
    doc: RuleDocument;
    variants: Omit<IndexedVariant, 'order' | 'rule' | 'ruleOrder'>[];
  }[] = [];

  for (const doc0 of ruleDocs) {
    const key = ruleKey(doc0.meta);
    if (disabledKeys.has(key)) {
      disabled.push(key);
      continue;
    }
    if (seenKeys.has(key)) {
      rejected.push(rejection(doc0, `duplicate rule id ${key}`));
      continue;
    }
    const filters = filterDocs.filter((f) => filterApplies(f, doc0));
    const doc = applyFilters(doc0, filters);
    const variants: Omit<IndexedVariant, 'order' | 'rule' | 'ruleOrder'>[] = [];
    let failure: string | undefined;
    const lsKey = `${doc.logsource.category ?? ''}\u0000${doc.logsource.product ?? ''}\u0000${doc.logsource.service ?? ''}`;
    let lsVariants = logsourceCache.get(lsKey);
    if (!lsVariants) logsourceCache.set(lsKey, (lsVariants = resolveLogsource(doc.logsource, mapping)));
    for (const ls of lsVariants) {
      const c = compileDetection(doc.detection, {
        placeholders,
        resolveField: (f) => ls.fieldmappings.get(f) ?? [f],
      });
      if (!c.ok) {
        failure = c.reason;
        break;
      }
      const dispatch = intersect(ls.when, c.value.eq);
      if (!dispatch) continue; // the detection contradicts this logsource variant (e.g. another EventID)
      variants.push({ when: [...ls.when], dispatch, test: c.value.test, req: c.value.req });
    }
    if (failure !== undefined) {
      rejected.push(rejection(doc0, failure));
      continue;
    }
    seenKeys.add(key);
    const { tactics, techniques } = attackFromTags(doc.meta.tags);
    const rule: CompiledRule = {
      key,
      ...(doc.meta.id ? { id: doc.meta.id } : {}),
      ...(doc.meta.name ? { name: doc.meta.name } : {}),
      title: doc.meta.title,
      level: levelOf(key, doc.meta.level),
      meta: doc.meta,
      logsource: doc.logsource,
      tactics,
      techniques,
      path: doc.origin.path,
      alert: true,
      filters: filters.map((f) => f.meta.title),
      variants: lsVariants.map((v) => v.label),
    };
    compiledRules.push({ rule, doc, variants });
  }

  const corr = resolveCorrelations(
    correlationDocs.filter((d) => !disabledKeys.has(ruleKey(d.meta))),
    compiledRules.map((c) => c.rule),
    levelOf,
  );
  rejected.push(...corr.rejected);
  const rules: CompiledRule[] = [];
  const indexed: IndexedVariant[] = [];
  for (const c of compiledRules) {
    const alert = !corr.silenced.has(c.rule.key) && SEVERITIES.indexOf(c.rule.level) >= minLevel;
    const rule = alert ? c.rule : { ...c.rule, alert };
    const ruleOrder = rules.length;
    rules.push(rule);
    for (const v of c.variants) indexed.push({ ...v, rule, ruleOrder, order: indexed.length });
  }
  const correlations = corr.correlations.map((c) =>
    c.alert && SEVERITIES.indexOf(c.level) < minLevel ? { ...c, alert: false } : c,
  );
  const index = new RuleIndex(indexed, mapping.dispatch, rules.length);
  return { ruleSet: new SigmaRuleSet(rules, correlations, index, indexed.length), rejected, disabled };
}
