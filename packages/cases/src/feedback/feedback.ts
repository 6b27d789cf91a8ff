/**
 * @module
 * False-positive feedback to rule tuning. Closing a case as a false positive raises the
 * false-positive count of every rule whose alerts are in it and suggests suppressions: for each
 * rule, the most specific entity all its alerts in the case share (the program, file or registry
 * key, else the host), and once a rule has only false positives, lowering or disabling it. An
 * admin accepts or dismisses suggestions; accepted entity suppressions keep matching alerts out
 * of incidents, accepted rule suggestions are written to the tenant's rule tuning by the node.
 *
 * This file holds the SQLite store; the rules it follows, shared with `PgFeedbackStore`, are in
 * `feedback-core.ts`.
 */
import { AppError, requireRole, type AuthContext } from '@intersoc/core';
import { CONFIG_ROLES, READ_ROLES, WORK_ROLES } from '@intersoc/correlate';
import { migrate, type SqliteDb } from '@intersoc/storage';
import {
  byCreatedDesc,
  byFalsePositives,
  decidedSuggestion,
  recordOutcome,
  SuppressionCache,
  type CaseOutcome,
  type FeedbackStore,
  type FeedbackStoreOptions,
  type RuleFeedback,
  type RuleOutcome,
  type SuppressionProbe,
  type SuppressionSuggestion,
} from './feedback-core.js';

export { DISABLE_AT, LOWER_AT, sharedEntity } from './feedback-core.js';
export type {
  CaseOutcome,
  FeedbackStore,
  FeedbackStoreOptions,
  RuleFeedback,
  RuleOutcome,
  SuggestionAction,
  SuppressionProbe,
  SuppressionSuggestion,
} from './feedback-core.js';

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

/**
 * Rule feedback and suggestions in SQLite. One process owns the file, so the cache of accepted
 * suppressions is cleared by `decide` and otherwise kept (`suppressionTtlMs` defaults to Infinity).
 */
export class SqliteFeedbackStore implements FeedbackStore {
  readonly #db: SqliteDb;
  readonly #now: () => number;
  readonly #active: SuppressionCache;

  constructor(db: SqliteDb, now: () => number = Date.now, opts: FeedbackStoreOptions = {}) {
    this.#db = db;
    this.#now = now;
    migrate(db, 'rule-feedback', STEPS);
    this.#active = new SuppressionCache(
      (tenant) =>
        (
          this.#db
            .prepare("SELECT doc FROM rule_suggestions WHERE tenant = ? AND status = 'accepted' ORDER BY id")
            .all(tenant) as { doc: string }[]
        ).map((r) => JSON.parse(r.doc) as SuppressionSuggestion),
      now,
      opts.suppressionTtlMs ?? Infinity,
    );
  }

  record(
    ctx: AuthContext,
    outcome: CaseOutcome,
    caseId: string,
    rules: readonly RuleOutcome[],
  ): SuppressionSuggestion[] {
    requireRole(ctx, WORK_ROLES);
    const now = this.#now();
    const io = {
      rule: (ruleId: string) => this.#rule(ctx, ruleId),
      putRule: (fb: RuleFeedback) => {
        this.#db
          .prepare('INSERT OR REPLACE INTO rule_feedback (tenant, rule_id, doc) VALUES (?, ?, ?)')
          .run(ctx.tenant, fb.ruleId, JSON.stringify(fb));
      },
      suggestion: (id: string) => this.suggestion(ctx, id),
      putSuggestion: (s: SuppressionSuggestion) => {
        this.#db
          .prepare('INSERT OR REPLACE INTO rule_suggestions (tenant, id, rule_id, status, doc) VALUES (?, ?, ?, ?, ?)')
          .run(ctx.tenant, s.id, s.ruleId, s.status, JSON.stringify(s));
      },
    };
    return this.#db.transaction(() => recordOutcome(io, ctx.tenant, outcome, caseId, rules, now))();
  }

  #rule(ctx: AuthContext, ruleId: string): RuleFeedback | undefined {
    const r = this.#db
      .prepare('SELECT doc FROM rule_feedback WHERE tenant = ? AND rule_id = ?')
      .get(ctx.tenant, ruleId) as { doc: string } | undefined;
    return r ? (JSON.parse(r.doc) as RuleFeedback) : undefined;
  }

  rules(ctx: AuthContext): RuleFeedback[] {
    requireRole(ctx, READ_ROLES);
    return (
      this.#db.prepare('SELECT doc FROM rule_feedback WHERE tenant = ? ORDER BY rule_id').all(ctx.tenant) as {
        doc: string;
      }[]
    )
      .map((r) => JSON.parse(r.doc) as RuleFeedback)
      .sort(byFalsePositives);
  }

  suggestion(ctx: AuthContext, id: string): SuppressionSuggestion | undefined {
    const r = this.#db.prepare('SELECT doc FROM rule_suggestions WHERE tenant = ? AND id = ?').get(ctx.tenant, id) as
      { doc: string } | undefined;
    return r ? (JSON.parse(r.doc) as SuppressionSuggestion) : undefined;
  }

  suggestions(ctx: AuthContext, status?: SuppressionSuggestion['status']): SuppressionSuggestion[] {
    requireRole(ctx, READ_ROLES);
    const rows = (
      status === undefined
        ? this.#db.prepare('SELECT doc FROM rule_suggestions WHERE tenant = ? ORDER BY id').all(ctx.tenant)
        : this.#db
            .prepare('SELECT doc FROM rule_suggestions WHERE tenant = ? AND status = ? ORDER BY id')
            .all(ctx.tenant, status)
    ) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as SuppressionSuggestion).sort(byCreatedDesc);
  }

  decide(ctx: AuthContext, id: string, accept: boolean): SuppressionSuggestion {
    requireRole(ctx, CONFIG_ROLES);
    const prev = this.suggestion(ctx, id);
    if (!prev) throw new AppError('NOT_FOUND', `no suggestion ${id}`);
    const doc = decidedSuggestion(prev, accept, ctx, this.#now());
    this.#db
      .prepare('UPDATE rule_suggestions SET status = ?, doc = ? WHERE tenant = ? AND id = ?')
      .run(doc.status, JSON.stringify(doc), ctx.tenant, id);
    this.#active.invalidate(ctx.tenant);
    return doc;
  }

  suppresses(tenant: string, alert: SuppressionProbe): boolean {
    return this.#active.suppresses(tenant, alert);
  }
}
