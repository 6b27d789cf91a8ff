/**
 * @module
 * False-positive feedback, independent of where it is stored: the types, the `FeedbackStore`
 * interface both stores implement (`SqliteFeedbackStore` in `feedback.ts`, `PgFeedbackStore` in
 * `pg-feedback.ts`), and the rules both follow: how a closed case moves a rule's counts and which
 * suggestions it makes (`recordOutcome`, over a store's reads and writes), how a decision changes a
 * suggestion, and the per-tenant cache of accepted suppressions the incident builder asks.
 */
import { stableId, type AuthContext, type EntityType, type Severity } from '@intersoc/core';
import type { IncidentAlert } from '@intersoc/correlate';

/** How often analysts confirmed or dismissed a rule's alerts. */
export interface RuleFeedback {
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly falsePositives: number;
  readonly truePositives: number;
  readonly benign: number;
  readonly lastCase?: string;
  readonly updated: number;
}

/** What a suggestion would do. */
export type SuggestionAction = 'suppress' | 'lower-level' | 'disable';

/** A suppression or tuning suggestion. */
export interface SuppressionSuggestion {
  readonly id: string;
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly action: SuggestionAction;
  /** Entity the suppression is scoped to (action `suppress`). */
  readonly field?: EntityType;
  readonly value?: string;
  /** Level to set (action `lower-level`). */
  readonly level?: Severity;
  readonly reason: string;
  /** False-positive cases that support it. */
  readonly cases: readonly string[];
  readonly alerts: number;
  readonly status: 'suggested' | 'accepted' | 'dismissed';
  readonly created: number;
  readonly decided?: number;
  readonly decidedBy?: string;
}

/** The alerts of one rule in a closed case. */
export interface RuleOutcome {
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly alerts: readonly IncidentAlert[];
}

/** How a case was closed, as feedback counts it. */
export type CaseOutcome = 'false-positive' | 'true-positive' | 'benign';

/** An alert as the suppression check reads it. */
export type SuppressionProbe = {
  readonly detector: { readonly ruleId: string };
  readonly entities: IncidentAlert['entities'];
};

/**
 * Rule feedback and suggestions. Every method taking a context stays inside `ctx.tenant`;
 * `suppresses` is asked by the incident builder with the alert's tenant.
 */
export interface FeedbackStore {
  /** Records the outcome of a closed case for each rule in it; returns new or updated suggestions. */
  record(
    ctx: AuthContext,
    outcome: CaseOutcome,
    caseId: string,
    rules: readonly RuleOutcome[],
  ): SuppressionSuggestion[];
  /** Feedback per rule, most false positives first. */
  rules(ctx: AuthContext): RuleFeedback[];
  /** One suggestion, or undefined. */
  suggestion(ctx: AuthContext, id: string): SuppressionSuggestion | undefined;
  /** Suggestions, optionally of one status, newest first. */
  suggestions(ctx: AuthContext, status?: SuppressionSuggestion['status']): SuppressionSuggestion[];
  /** Accepts or dismisses a suggestion (admins configure). */
  decide(ctx: AuthContext, id: string, accept: boolean): SuppressionSuggestion;
  /** True when an accepted entity suppression covers the alert (for the incident builder). */
  suppresses(tenant: string, alert: SuppressionProbe): boolean;
}

/** Options of both feedback stores. */
export interface FeedbackStoreOptions {
  /**
   * How long `suppresses` trusts its cache of a tenant's accepted suppressions before reading them
   * again. A decision through the same store object clears the cache at once; this bounds how
   * late a decision made by another process takes effect.
   */
  readonly suppressionTtlMs?: number;
}

/** Entity kinds that scope a suppression, most specific first. */
const SCOPES: readonly EntityType[] = ['process', 'file', 'registry', 'hash', 'domain', 'url', 'host'];

/** Rule-level suggestions start at these counts of false positives without any true positive. */
export const LOWER_AT = 3;
export const DISABLE_AT = 5;

/** The most specific entity every alert shares (by kind order), with its value as first seen. */
export function sharedEntity(alerts: readonly IncidentAlert[]): { field: EntityType; value: string } | undefined {
  for (const field of SCOPES) {
    let common: Map<string, string> | undefined;
    for (const a of alerts) {
      const mine = new Map<string, string>();
      for (const e of a.entities) {
        if (e.type === field && e.role !== 'parent' && e.role !== 'target') mine.set(e.value.toLowerCase(), e.value);
      }
      common = common === undefined ? mine : new Map([...common].filter(([k]) => mine.has(k)));
      if (common.size === 0) break;
    }
    const first = common?.values().next();
    if (first && first.done !== true) return { field, value: first.value };
  }
  return undefined;
}

/** A suggestion as one false positive makes it, before it meets the stored one. */
type SuggestionDraft = Omit<SuppressionSuggestion, 'id' | 'cases' | 'status' | 'created'> & { caseId: string };

/** What a store gives `recordOutcome`: reads and writes of one tenant, inside its transaction. */
export interface FeedbackIo {
  rule(ruleId: string): RuleFeedback | undefined;
  putRule(fb: RuleFeedback): void;
  suggestion(id: string): SuppressionSuggestion | undefined;
  putSuggestion(s: SuppressionSuggestion): void;
}

/** The suggestions one false positive makes for a rule whose counts are now `fb`. */
function drafts(r: RuleOutcome, fb: RuleFeedback, caseId: string): SuggestionDraft[] {
  const out: SuggestionDraft[] = [];
  const base = { ruleId: r.ruleId, ruleTitle: r.ruleTitle, caseId, alerts: r.alerts.length };
  const shared = sharedEntity(r.alerts);
  if (shared) {
    out.push({
      ...base,
      action: 'suppress',
      field: shared.field,
      value: shared.value,
      reason: `${r.alerts.length} alert(s) of this rule on ${shared.field} ${shared.value} were a false positive`,
    });
  }
  if (fb.truePositives === 0 && fb.falsePositives >= DISABLE_AT) {
    out.push({ ...base, action: 'disable', reason: `${fb.falsePositives} false positives and no true positive` });
  } else if (fb.truePositives === 0 && fb.falsePositives >= LOWER_AT) {
    out.push({
      ...base,
      action: 'lower-level',
      level: 'low',
      reason: `${fb.falsePositives} false positives and no true positive`,
    });
  }
  return out;
}

/** A draft merged into the stored suggestion of the same id (if any). */
function merged(
  id: string,
  d: SuggestionDraft,
  prev: SuppressionSuggestion | undefined,
  now: number,
): SuppressionSuggestion {
  const { caseId, ...rest } = d;
  return {
    ...rest,
    id,
    cases: [...new Set([...(prev?.cases ?? []), caseId])],
    alerts: (prev?.alerts ?? 0) + d.alerts,
    // A dismissed suggestion comes back when new evidence arrives; an accepted one stays accepted.
    status: prev?.status === 'accepted' ? 'accepted' : 'suggested',
    created: prev?.created ?? now,
    ...(prev?.status === 'accepted' && prev.decided !== undefined ? { decided: prev.decided } : {}),
    ...(prev?.status === 'accepted' && prev.decidedBy !== undefined ? { decidedBy: prev.decidedBy } : {}),
  };
}

/** The id of a suggestion: one per tenant, rule, action and entity (case-insensitive). */
export function suggestionId(
  tenant: string,
  s: { readonly ruleId: string; readonly action: SuggestionAction; readonly field?: string; readonly value?: string },
): string {
  return stableId(tenant, s.ruleId, s.action, s.field ?? '', (s.value ?? '').toLowerCase()).slice(0, 16);
}

/**
 * The outcome of a closed case applied through `io` (the caller holds the transaction): each
 * rule's counts move, and a false positive adds or updates suggestions, which are returned.
 */
export function recordOutcome(
  io: FeedbackIo,
  tenant: string,
  outcome: CaseOutcome,
  caseId: string,
  rules: readonly RuleOutcome[],
  now: number,
): SuppressionSuggestion[] {
  const out: SuppressionSuggestion[] = [];
  for (const r of rules) {
    const prev = io.rule(r.ruleId);
    const fb: RuleFeedback = {
      ruleId: r.ruleId,
      ruleTitle: r.ruleTitle,
      falsePositives: (prev?.falsePositives ?? 0) + (outcome === 'false-positive' ? 1 : 0),
      truePositives: (prev?.truePositives ?? 0) + (outcome === 'true-positive' ? 1 : 0),
      benign: (prev?.benign ?? 0) + (outcome === 'benign' ? 1 : 0),
      lastCase: caseId,
      updated: now,
    };
    io.putRule(fb);
    if (outcome !== 'false-positive') continue;
    for (const d of drafts(r, fb, caseId)) {
      const id = suggestionId(tenant, d);
      const doc = merged(id, d, io.suggestion(id), now);
      io.putSuggestion(doc);
      out.push(doc);
    }
  }
  return out;
}

/** A suggestion accepted or dismissed by `ctx.user` at `now`. */
export function decidedSuggestion(
  prev: SuppressionSuggestion,
  accept: boolean,
  ctx: AuthContext,
  now: number,
): SuppressionSuggestion {
  return { ...prev, status: accept ? 'accepted' : 'dismissed', decided: now, decidedBy: ctx.user };
}

/** Feedback per rule, most false positives first, then by title (and by rule id as stored). */
export function byFalsePositives(a: RuleFeedback, b: RuleFeedback): number {
  return b.falsePositives - a.falsePositives || a.ruleTitle.localeCompare(b.ruleTitle);
}

/** Suggestions newest first (ties keep the stored order, by id). */
export function byCreatedDesc(a: SuppressionSuggestion, b: SuppressionSuggestion): number {
  return b.created - a.created;
}

/**
 * The accepted entity suppressions of each tenant, by rule, read through `load` when first asked,
 * after `invalidate`, and once they are `ttlMs` old (never, when `ttlMs` is Infinity).
 */
export class SuppressionCache {
  readonly #byTenant = new Map<string, { at: number; byRule: Map<string, { field: EntityType; value: string }[]> }>();
  readonly #load: (tenant: string) => SuppressionSuggestion[];
  readonly #now: () => number;
  readonly #ttlMs: number;

  constructor(load: (tenant: string) => SuppressionSuggestion[], now: () => number, ttlMs: number) {
    this.#load = load;
    this.#now = now;
    this.#ttlMs = ttlMs;
  }

  invalidate(tenant: string): void {
    this.#byTenant.delete(tenant);
  }

  suppresses(tenant: string, alert: SuppressionProbe): boolean {
    const now = this.#now();
    let entry = this.#byTenant.get(tenant);
    if (!entry || now - entry.at >= this.#ttlMs) {
      const byRule = new Map<string, { field: EntityType; value: string }[]>();
      for (const s of this.#load(tenant)) {
        if (s.status !== 'accepted' || s.action !== 'suppress' || s.field === undefined || s.value === undefined)
          continue;
        const list = byRule.get(s.ruleId) ?? [];
        list.push({ field: s.field, value: s.value.toLowerCase() });
        byRule.set(s.ruleId, list);
      }
      entry = { at: now, byRule };
      this.#byTenant.set(tenant, entry);
    }
    const scopes = entry.byRule.get(alert.detector.ruleId);
    if (!scopes) return false;
    return scopes.some((s) => alert.entities.some((e) => e.type === s.field && e.value.toLowerCase() === s.value));
  }
}
