/**
 * @module
 * Rule feedback and suggestions on PostgreSQL (migration step `13-feedback`), over the synchronous
 * bridge, so callers use it exactly as `SqliteFeedbackStore`. The counting and suggestion rules are
 * the shared ones of `feedback-core.ts`; only the reads and writes differ.
 *
 * What SQLite's single writer hid: two processes closing cases of one rule at once would both read
 * the rule's counts and both write count + 1, and a decision could be overwritten by a concurrent
 * false positive that read the suggestion before it. `record` therefore takes a transaction-level
 * advisory lock on every (tenant, rule) of the case first, in sorted order so two cases sharing
 * rules cannot deadlock, and reads existing suggestions `FOR UPDATE`; `decide` reads its
 * suggestion `FOR UPDATE` too. The cache of accepted suppressions is re-read after
 * `suppressionTtlMs` (default 5 s), so a decision taken by another process applies within it.
 */
import { AppError, requireRole, type AuthContext } from '@intersoc/core';
import { CONFIG_ROLES, READ_ROLES, WORK_ROLES } from '@intersoc/correlate';
import type { SyncPg } from '@intersoc/storage/postgres';
import {
  byCreatedDesc,
  byFalsePositives,
  decidedSuggestion,
  recordOutcome,
  SuppressionCache,
  type CaseOutcome,
  type FeedbackIo,
  type FeedbackStore,
  type FeedbackStoreOptions,
  type RuleFeedback,
  type RuleOutcome,
  type SuppressionProbe,
  type SuppressionSuggestion,
} from './feedback-core.js';

/** How late a decision taken by another process may reach `suppresses`, by default. */
const DEFAULT_SUPPRESSION_TTL_MS = 5_000;

/** Serialises the feedback of one rule of one tenant (until the transaction ends). */
const LOCK_RULE =
  "SELECT pg_advisory_xact_lock(hashtext('intersoc.rule_feedback'), hashtext($1::text || '/' || $2::text))";

const parse = <T>(rows: { doc: string }[]): T[] => rows.map((r) => JSON.parse(r.doc) as T);

/** Rule feedback and suggestions in the PostgreSQL store. */
export class PgFeedbackStore implements FeedbackStore {
  readonly #pg: SyncPg;
  readonly #now: () => number;
  readonly #active: SuppressionCache;

  /** `pg` must point at a store migrated by `migratePg` (`intersoc db migrate`). */
  constructor(pg: SyncPg, now: () => number = Date.now, opts: FeedbackStoreOptions = {}) {
    this.#pg = pg;
    this.#now = now;
    this.#active = new SuppressionCache(
      (tenant) =>
        parse<SuppressionSuggestion>(
          this.#pg.query<{ doc: string }>(
            "SELECT doc FROM rule_suggestions WHERE tenant = $1 AND status = 'accepted' ORDER BY id",
            [tenant],
          ),
        ),
      now,
      opts.suppressionTtlMs ?? DEFAULT_SUPPRESSION_TTL_MS,
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
    const t = ctx.tenant;
    const io: FeedbackIo = {
      rule: (ruleId) =>
        parse<RuleFeedback>(
          this.#pg.query('SELECT doc FROM rule_feedback WHERE tenant = $1 AND rule_id = $2', [t, ruleId]),
        )[0],
      putRule: (fb) => {
        this.#pg.run(
          `INSERT INTO rule_feedback (tenant, rule_id, doc) VALUES ($1, $2, $3)
           ON CONFLICT (tenant, rule_id) DO UPDATE SET doc = excluded.doc`,
          [t, fb.ruleId, JSON.stringify(fb)],
        );
      },
      suggestion: (id) =>
        parse<SuppressionSuggestion>(
          this.#pg.query('SELECT doc FROM rule_suggestions WHERE tenant = $1 AND id = $2 FOR UPDATE', [t, id]),
        )[0],
      putSuggestion: (s) => {
        this.#pg.run(
          `INSERT INTO rule_suggestions (tenant, id, rule_id, status, doc) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (tenant, id) DO UPDATE SET rule_id = excluded.rule_id, status = excluded.status, doc = excluded.doc`,
          [t, s.id, s.ruleId, s.status, JSON.stringify(s)],
        );
      },
    };
    if (rules.length === 0) return [];
    return this.#pg.transaction(() => {
      // One order in every process (code units): two cases sharing rules lock them alike.
      const ids = [...new Set(rules.map((r) => r.ruleId))].sort();
      this.#pg.batch(ids.map((id) => ({ text: LOCK_RULE, params: [t, id] })));
      return recordOutcome(io, t, outcome, caseId, rules, now);
    });
  }

  rules(ctx: AuthContext): RuleFeedback[] {
    requireRole(ctx, READ_ROLES);
    return parse<RuleFeedback>(
      this.#pg.query('SELECT doc FROM rule_feedback WHERE tenant = $1 ORDER BY rule_id', [ctx.tenant]),
    ).sort(byFalsePositives);
  }

  suggestion(ctx: AuthContext, id: string): SuppressionSuggestion | undefined {
    return parse<SuppressionSuggestion>(
      this.#pg.query('SELECT doc FROM rule_suggestions WHERE tenant = $1 AND id = $2', [ctx.tenant, id]),
    )[0];
  }

  suggestions(ctx: AuthContext, status?: SuppressionSuggestion['status']): SuppressionSuggestion[] {
    requireRole(ctx, READ_ROLES);
    const rows =
      status === undefined
        ? this.#pg.query<{ doc: string }>('SELECT doc FROM rule_suggestions WHERE tenant = $1 ORDER BY id', [
            ctx.tenant,
          ])
        : this.#pg.query<{ doc: string }>(
            'SELECT doc FROM rule_suggestions WHERE tenant = $1 AND status = $2 ORDER BY id',
            [ctx.tenant, status],
          );
    return parse<SuppressionSuggestion>(rows).sort(byCreatedDesc);
  }

  decide(ctx: AuthContext, id: string, accept: boolean): SuppressionSuggestion {
    requireRole(ctx, CONFIG_ROLES);
    const doc = this.#pg.transaction(() => {
      const [prev] = parse<SuppressionSuggestion>(
        this.#pg.query('SELECT doc FROM rule_suggestions WHERE tenant = $1 AND id = $2 FOR UPDATE', [ctx.tenant, id]),
      );
      if (!prev) throw new AppError('NOT_FOUND', `no suggestion ${id}`);
      const next = decidedSuggestion(prev, accept, ctx, this.#now());
      this.#pg.run('UPDATE rule_suggestions SET status = $1, doc = $2 WHERE tenant = $3 AND id = $4', [
        next.status,
        JSON.stringify(next),
        ctx.tenant,
        id,
      ]);
      return next;
    });
    this.#active.invalidate(ctx.tenant);
    return doc;
  }

  suppresses(tenant: string, alert: SuppressionProbe): boolean {
    return this.#active.suppresses(tenant, alert);
  }
}
