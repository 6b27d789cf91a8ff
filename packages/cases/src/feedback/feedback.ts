/**
 * @module
 * False-positive feedback to rule tuning. Closing a case as a false positive raises the
 * false-positive count of every rule whose alerts are in it and suggests suppressions: for each
 * rule, the most specific entity all its alerts in the case share (the program, file or registry
 * key, else the host), and once a rule has only false positives, lowering or disabling it. An
 * admin accepts or dismisses suggestions; accepted entity suppressions keep matching alerts out
 * of incidents, accepted rule suggestions are written to the tenant's rule tuning by the node.
 */
import { AppError, requireRole, stableId, type AuthContext, type EntityType, type Severity } from '@intersoc/core';
import { CONFIG_ROLES, READ_ROLES, WORK_ROLES, type IncidentAlert } from '@intersoc/correlate';
import { migrate, type SqliteDb } from '@intersoc/storage';

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

const STEPS = [
  `CREATE TABLE rule_feedback (
     tenant TEXT NOT NULL,
     rule_id TEXT NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (tenant, rule_id)
   ) WITHOUT ROWID;
   CREATE TABLE rule_suggestions (
     tenant TEXT NOT NULL,
     id TEXT NOT NULL,
     rule_id TEXT NOT NULL,
     status TEXT NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (tenant, id)
   ) WITHOUT ROWID;`,
];

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

/** Rule feedback and suggestions in SQLite. */
export class SqliteFeedbackStore {
  private readonly active = new Map<string, Map<string, { field: EntityType; value: string }[]>>();

  constructor(
    private readonly db: SqliteDb,
    private readonly now: () => number = Date.now,
  ) {
    migrate(db, 'rule-feedback', STEPS);
  }

  /** Records the outcome of a closed case for each rule in it; returns new or updated suggestions. */
  record(
    ctx: AuthContext,
    outcome: 'false-positive' | 'true-positive' | 'benign',
    caseId: string,
    rules: readonly RuleOutcome[],
  ): SuppressionSuggestion[] {
    requireRole(ctx, WORK_ROLES);
    const now = this.now();
    const out: SuppressionSuggestion[] = [];
    this.db.transaction(() => {
      for (const r of rules) {
        const prev = this.rule(ctx, r.ruleId);
        const fb: RuleFeedback = {
          ruleId: r.ruleId,
          ruleTitle: r.ruleTitle,
          falsePositives: (prev?.falsePositives ?? 0) + (outcome === 'false-positive' ? 1 : 0),
          truePositives: (prev?.truePositives ?? 0) + (outcome === 'true-positive' ? 1 : 0),
          benign: (prev?.benign ?? 0) + (outcome === 'benign' ? 1 : 0),
          lastCase: caseId,
          updated: now,
        };
        this.db
          .prepare('INSERT OR REPLACE INTO rule_feedback (tenant, rule_id, doc) VALUES (?, ?, ?)')
          .run(ctx.tenant, r.ruleId, JSON.stringify(fb));
        if (outcome !== 'false-positive') continue;
        const shared = sharedEntity(r.alerts);
        if (shared) {
          out.push(
            this.suggest(ctx, {
              ruleId: r.ruleId,
              ruleTitle: r.ruleTitle,
              action: 'suppress',
              field: shared.field,
              value: shared.value,
              reason: `${r.alerts.length} alert(s) of this rule on ${shared.field} ${shared.value} were a false positive`,
              caseId,
              alerts: r.alerts.length,
            }),
          );
        }
        if (fb.truePositives === 0 && fb.falsePositives >= DISABLE_AT) {
          out.push(
            this.suggest(ctx, {
              ruleId: r.ruleId,
              ruleTitle: r.ruleTitle,
              action: 'disable',
              reason: `${fb.falsePositives} false positives and no true positive`,
              caseId,
              alerts: r.alerts.length,
            }),
          );
        } else if (fb.truePositives === 0 && fb.falsePositives >= LOWER_AT) {
          out.push(
            this.suggest(ctx, {
              ruleId: r.ruleId,
              ruleTitle: r.ruleTitle,
              action: 'lower-level',
              level: 'low',
              reason: `${fb.falsePositives} false positives and no true positive`,
              caseId,
              alerts: r.alerts.length,
            }),
          );
        }
      }
    })();
    return out;
  }

  private suggest(
    ctx: AuthContext,
    s: Omit<SuppressionSuggestion, 'id' | 'cases' | 'status' | 'created'> & { caseId: string },
  ): SuppressionSuggestion {
    const id = stableId(ctx.tenant, s.ruleId, s.action, s.field ?? '', (s.value ?? '').toLowerCase()).slice(0, 16);
    const prev = this.suggestion(ctx, id);
    const { caseId, ...rest } = s;
    const doc: SuppressionSuggestion = {
      ...rest,
      id,
      cases: [...new Set([...(prev?.cases ?? []), caseId])],
      alerts: (prev?.alerts ?? 0) + s.alerts,
      // A dismissed suggestion comes back when new evidence arrives; an accepted one stays accepted.
      status: prev?.status === 'accepted' ? 'accepted' : 'suggested',
      created: prev?.created ?? this.now(),
      ...(prev?.status === 'accepted' && prev.decided !== undefined ? { decided: prev.decided } : {}),
      ...(prev?.status === 'accepted' && prev.decidedBy !== undefined ? { decidedBy: prev.decidedBy } : {}),
    };
    this.db
      .prepare('INSERT OR REPLACE INTO rule_suggestions (tenant, id, rule_id, status, doc) VALUES (?, ?, ?, ?, ?)')
      .run(ctx.tenant, id, s.ruleId, doc.status, JSON.stringify(doc));
    return doc;
  }

  private rule(ctx: AuthContext, ruleId: string): RuleFeedback | undefined {
    const r = this.db
      .prepare('SELECT doc FROM rule_feedback WHERE tenant = ? AND rule_id = ?')
      .get(ctx.tenant, ruleId) as { doc: string } | undefined;
    return r ? (JSON.parse(r.doc) as RuleFeedback) : undefined;
  }

  /** Feedback per rule, most false positives first. */
  rules(ctx: AuthContext): RuleFeedback[] {
    requireRole(ctx, READ_ROLES);
    return (this.db.prepare('SELECT doc FROM rule_feedback WHERE tenant = ?').all(ctx.tenant) as { doc: string }[])
      .map((r) => JSON.parse(r.doc) as RuleFeedback)
      .sort((a, b) => b.falsePositives - a.falsePositives || a.ruleTitle.localeCompare(b.ruleTitle));
  }

  suggestion(ctx: AuthContext, id: string): SuppressionSuggestion | undefined {
    const r = this.db.prepare('SELECT doc FROM rule_suggestions WHERE tenant = ? AND id = ?').get(ctx.tenant, id) as
      { doc: string } | undefined;
    return r ? (JSON.parse(r.doc) as SuppressionSuggestion) : undefined;
  }

  /** Suggestions, optionally of one status, newest first. */
  suggestions(ctx: AuthContext, status?: SuppressionSuggestion['status']): SuppressionSuggestion[] {
    requireRole(ctx, READ_ROLES);
    const rows = (
      status === undefined
        ? this.db.prepare('SELECT doc FROM rule_suggestions WHERE tenant = ?').all(ctx.tenant)
        : this.db.prepare('SELECT doc FROM rule_suggestions WHERE tenant = ? AND status = ?').all(ctx.tenant, status)
    ) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as SuppressionSuggestion).sort((a, b) => b.created - a.created);
  }

  /** Accepts or dismisses a suggestion (admins configure). */
  decide(ctx: AuthContext, id: string, accept: boolean): SuppressionSuggestion {
    requireRole(ctx, CONFIG_ROLES);
    const prev = this.suggestion(ctx, id);
    if (!prev) throw new AppError('NOT_FOUND', `no suggestion ${id}`);
    const doc: SuppressionSuggestion = {
      ...prev,
      status: accept ? 'accepted' : 'dismissed',
      decided: this.now(),
      decidedBy: ctx.user,
    };
    this.db
      .prepare('UPDATE rule_suggestions SET status = ?, doc = ? WHERE tenant = ? AND id = ?')
      .run(doc.status, JSON.stringify(doc), ctx.tenant, id);
    this.active.delete(ctx.tenant);
    return doc;
  }

  /** True when an accepted entity suppression covers the alert (for the incident builder). */
  suppresses(
    tenant: string,
    alert: { readonly detector: { readonly ruleId: string }; readonly entities: IncidentAlert['entities'] },
  ): boolean {
    let byRule = this.active.get(tenant);
    if (!byRule) {
      byRule = new Map();
      const rows = this.db
        .prepare("SELECT doc FROM rule_suggestions WHERE tenant = ? AND status = 'accepted'")
        .all(tenant) as { doc: string }[];
      for (const r of rows) {
        const s = JSON.parse(r.doc) as SuppressionSuggestion;
        if (s.action !== 'suppress' || s.field === undefined || s.value === undefined) continue;
        const list = byRule.get(s.ruleId) ?? [];
        list.push({ field: s.field, value: s.value.toLowerCase() });
        byRule.set(s.ruleId, list);
      }
      this.active.set(tenant, byRule);
    }
    const scopes = byRule.get(alert.detector.ruleId);
    if (!scopes) return false;
    return scopes.some((s) => alert.entities.some((e) => e.type === s.field && e.value.toLowerCase() === s.value));
  }
}
